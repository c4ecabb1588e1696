"""Tickets: the one place that changes tickets.

Public services (``comptoir.tickets.services``): open_ticket, reply, add_note, assign, take,
change_status, requalify, escalate. Each checks, writes the ticket, its TicketEvents and its
outbox rows in one transaction. Reads: ``selectors``; rights: ``permissions``.
"""
