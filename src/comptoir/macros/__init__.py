"""Macros: an agent's saved replies, with placeholders and optional changes of status,
priority and type, applied to a ticket in one click.

Public services (``services``): ``available_macros``, ``apply_macro``. The placeholder
rendering is the pure module ``placeholders``.
"""
