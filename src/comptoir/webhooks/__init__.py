"""Outgoing webhooks: administrators subscribe an address to ticket events
(``ticket.created``, ``ticket.updated``, ``ticket.replied``, ``ticket.resolved``,
``sla.warning``, ``sla.breached``); each event becomes a signed JSON POST delivered through
the outbox (kind ``http``: retries with back-off are the outbox's), logged as a
``Delivery`` linked to its outbox row.

Public service: ``services.publish(events)``, called by the ticket services where they
store TicketEvents, in the same transaction. Active subscriptions are cached per process
(``subscriptions``), so publishing costs no query when nobody subscribes.
"""
