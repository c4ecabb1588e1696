"""Core: the pieces every app shares.

- ``errors``: the ComptoirError tree (domain errors carry a user-facing message).
- ``clock``: the one ``now()`` seam; read it once per operation and pass the instant down.
- ``outbox``: side effects (mail, webhooks, chat) as rows written in the business
  transaction, delivered after commit by ``dispatcher.deliver_due``.
- ``taskqueue``: Huey configuration from ``COMPTOIR_TASKS_URL``.
"""
