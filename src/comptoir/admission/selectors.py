"""Reads of held requests for the desk: who sees which, one bounded page, and the count
of requests awaiting a decision shown in every staff page's menu.

Supervisors and administrators decide on requests beyond the allowance and see every held
request; agents review those from people their organisation does not serve. The counts
are kept in memory (``comptoir.core.cache``) (the services drop them in their own process on
every change), so the menu costs no query on most pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from comptoir.admission.models import HeldRequest
from comptoir.core.cache import ProcessCache
from comptoir.core.errors import NotFound

if TYPE_CHECKING:
    from comptoir.accounts.models import User

PAGE_SIZE = 50


def forget() -> None:
    _counts_cache.forget()


def reasons_for(user: User) -> tuple[str, ...]:
    """The kinds of held request this person decides on."""
    if not user.is_authenticated or not user.is_active or not user.is_staff_member:
        return ()
    if user.sees_everything:
        return tuple(HeldRequest.Reason.values)
    return (HeldRequest.Reason.NOT_ELIGIBLE,)


def can_decide(user: User, held: HeldRequest) -> bool:
    return held.reason in reasons_for(user)


def _load_counts() -> dict[str, int]:
    rows = (
        HeldRequest.objects.filter(state=HeldRequest.State.HELD)
        .values("reason")
        .annotate(n=Count("pk"))
        .values_list("reason", "n")
    )
    return dict(rows)


_counts_cache: ProcessCache[dict[str, int]] = ProcessCache(_load_counts)


def _counts() -> dict[str, int]:
    return _counts_cache.get()


def waiting_count(user: User) -> int:
    """Held requests awaiting this person's decision (the menu's badge)."""
    reasons = reasons_for(user)
    if not reasons:
        return 0
    counts = _counts()
    return sum(counts.get(r, 0) for r in reasons)


def visible_held(user: User) -> QuerySet[HeldRequest]:
    reasons = reasons_for(user)
    if not reasons:
        return HeldRequest.objects.none()
    return HeldRequest.objects.filter(reason__in=reasons)


@dataclass(frozen=True)
class Page:
    rows: list[HeldRequest]
    number: int
    has_next: bool
    state: str

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def held_page(user: User, *, state: str = HeldRequest.State.HELD, page: int = 1) -> Page:
    """One page of held requests in a state: awaiting ones oldest first (first come, first
    decided), decided ones most recent first."""
    if state not in HeldRequest.State.values:
        state = HeldRequest.State.HELD
    page = max(page, 1)
    order = ("received_at", "pk") if state == HeldRequest.State.HELD else ("-decided_at", "-pk")
    rows = list(
        visible_held(user)
        .filter(state=state)
        .select_related("requester", "organisation", "product", "decided_by", "ticket")
        .order_by(*order)[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1]
    )
    return Page(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE, state)


def held_for(user: User, pk: int) -> HeldRequest:
    """One held request with what its page shows; NotFound when the person may not see it."""
    held = (
        visible_held(user)
        .select_related(
            "requester", "organisation", "product", "component", "mailbox", "inbound", "decided_by", "ticket"
        )
        .prefetch_related("files")
        .filter(pk=pk)
        .first()
    )
    if held is None:
        raise NotFound(_("No such request."))
    return held
