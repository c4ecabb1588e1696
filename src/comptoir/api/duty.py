"""Who is on duty (triage, hotline) and on call (emergency line), now and next."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from ninja import Field, Router, Schema

from comptoir.api.schemas import READ_ERRORS
from comptoir.core.clock import now as clock_now
from comptoir.dispatch.services import DutyNow, duty_board

router = Router(tags=["duty"])


class Person(Schema):
    id: int
    name: str
    phone: str


class Now(Schema):
    user: Person | None
    since: datetime | None
    until: datetime | None


class Next(Schema):
    user: Person | None
    from_: datetime | None = Field(alias="from")


class RotaOut(Schema):
    kind: str
    name: str
    phone: str
    line_open: bool | None
    now: Now
    next: Next | None


def _person(user) -> dict[str, object] | None:  # type: ignore[no-untyped-def]
    return None if user is None else {"id": user.pk, "name": user.display_name, "phone": user.phone}


def _local(instant: datetime | None, zone: ZoneInfo) -> datetime | None:
    return None if instant is None else instant.astimezone(zone)


def _rota(d: DutyNow) -> dict[str, object]:
    """Times in the rota's zone, with their offset (e.g. 2026-01-12T09:00:00+01:00)."""
    zone = ZoneInfo(d.rota.rotation.timezone)
    return {
        "kind": d.rota.kind,
        "name": d.rota.name,
        "phone": d.rota.phone,
        "line_open": d.line_open,
        "now": {
            "user": _person(d.now_user),
            "since": _local(d.now.since, zone),
            "until": _local(d.now.until, zone),
        },
        "next": None
        if d.next is None
        else {"user": _person(d.next_user), "from": _local(d.next.since, zone)},
    }


@router.get(
    "", response={200: list[RotaOut], **READ_ERRORS}, by_alias=True, summary="Who is on duty now, and next"
)
def duty(request: HttpRequest) -> list[dict[str, object]]:
    """Each active rota: the agent on duty now (since, until the next hand-over) and the
    one who takes over next (from when). Kinds: ``on_duty`` (triage and hotline),
    ``emergency`` (the emergency line's on-call agent)."""
    return [_rota(d) for d in duty_board(at=clock_now())]
