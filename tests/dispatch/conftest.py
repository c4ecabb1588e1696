"""Rotas and routing rules of procedure 003 on top of the ``desk`` personas."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from comptoir.calendars.models import Calendar
from comptoir.dispatch import catalogue
from comptoir.dispatch.models import Rota, RotaMember
from comptoir.dispatch.presets import EMERGENCY_HOURS, HOTLINE_HOURS

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def at(moment: datetime):  # type: ignore[no-untyped-def]
    return time_machine.travel(moment, tick=False)


def make_rota(name: str, members, *, kind=Rota.Kind.ON_DUTY, **fields) -> Rota:  # type: ignore[no-untyped-def]
    fields.setdefault("starts_on", date(2026, 1, 5))  # a Monday
    fields.setdefault("handover_time", time(9, 0))
    rota = Rota.objects.create(name=name, kind=kind, **fields)
    RotaMember.objects.bulk_create([RotaMember(rota=rota, user=u, position=i) for i, u in enumerate(members)])
    catalogue.reset()
    return rota


@pytest.fixture
def rotas(desk):  # type: ignore[no-untyped-def]
    """Procedure 003: Léa, Marc and Sophie take turns on duty, a week each from Monday
    5 January 2026 at 9:00; the emergency line's on-call rota starts with Marc."""
    hotline = Calendar.objects.create(name="Hotline", spec=HOTLINE_HOURS)
    emergency = Calendar.objects.create(name="Ligne d'urgence", spec=EMERGENCY_HOURS)
    on_duty = make_rota(
        "Permanence support", [desk.l1, desk.l2, desk.l3], calendar=hotline, phone="01 99 00 83 39"
    )
    on_call = make_rota(
        "Astreinte plateformes",
        [desk.l2, desk.l3, desk.l1],
        kind=Rota.Kind.EMERGENCY,
        calendar=emergency,
        phone="06 39 98 02 76",
    )
    return on_duty, on_call
