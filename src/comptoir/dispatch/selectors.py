"""Reads of the dispatch pages: the triage queue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from comptoir.tickets import history
from comptoir.tickets.selectors import LIST_RELATED, MAX_PAGE, PAGE_SIZE, Page, visible_tickets

if TYPE_CHECKING:
    from comptoir.accounts.models import User


def triage(user: User, *, page: int = 1) -> Page:
    """Unresolved tickets in no group (no routing rule, no product team took them), newest
    first: what the agent on duty sorts out. One bounded page, one query."""
    page = min(max(page, 1), MAX_PAGE)
    start = (page - 1) * PAGE_SIZE
    qs = (
        visible_tickets(user)
        .filter(group__isnull=True)
        .exclude(status__in=history.DONE)
        .select_related(*LIST_RELATED)
        .order_by("-created_at", "-pk")
    )
    rows = list(qs[start : start + PAGE_SIZE + 1])
    return Page(rows=rows[:PAGE_SIZE], number=page, has_next=len(rows) > PAGE_SIZE)
