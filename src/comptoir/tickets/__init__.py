"""Tickets: the ticket, its history, and the one place that changes them.

- ``history`` (pure): the one reader of a ticket's history — event kinds, status groups and
  the milestones (acknowledged, picked up, first response, resolved, closed) that the SLA,
  the reports, the desk and the API all use.
- ``events``: one typed constructor per event kind (references stored as ``{"id", "name"}``).
- ``new_request``: ``NewRequest``, a new request as one value from the door to the record.
- ``services``: the one writer. ``open_ticket``, ``log_phone_call``, ``reply``, ``add_note``,
  ``assign``, ``take``, ``change_status``, ``requalify``, ``set_urgency``, ``escalate``,
  ``forward_to_product``, ``link_to_feature``, ``add_followers``, ``answer_survey``, and for
  the automations ``automatic.remind`` and ``automatic.settle``. Each checks, locks, appends
  its events, re-derives the ticket's fields and SLA clocks from the whole history, and
  queues its mails and webhooks in the outbox, in one transaction.
- Reads: ``selectors``; rights: ``permissions``; addresses: ``links``.
"""
