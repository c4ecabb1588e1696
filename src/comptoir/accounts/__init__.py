"""Accounts: organisations (customers and their contracts) and users with their roles.

Public reads: ``roles`` (what a role may do in general). Per-ticket rights live in
``comptoir.tickets.permissions``.
"""
