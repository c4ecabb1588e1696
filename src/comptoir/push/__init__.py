"""Push: Web Push notifications to the devices people chose (the requester's app).

The app owns the server's VAPID key pair (``keys``: from the environment, else generated
once and kept in the database so every process signs with the same pair), the devices'
subscriptions (``models.PushSubscription``, one per push-service endpoint) and the outbox
transport that encrypts and sends a notification (``transport``, RFC 8291 and 8292 through
pywebpush).

Public services (``services``): ``subscribe`` and ``unsubscribe`` (a person opts a device in
or out); ``for_requester`` (a push per device of the requester, with the text of the mail
they get about an answer or a status change); ``for_emergency`` (procedure 003: the
emergency line's on-call agent hears of an urgent request that arrives off-hours).
"""
