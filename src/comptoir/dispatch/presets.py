"""Ready-made rotas from procedure 003, used by the demo and offered to admins.

- Three people take turns on duty, a week each, handing over on Monday at 9:00: the agent
  on duty triages new requests and answers the hotline (9:00-12:00 and 14:00-17:30 on
  working days).
- The emergency line (blocking incidents on hosted platforms) has its own on-call rota and
  its own hours: 6:00-22:00 on working days, 9:00-10:00 and 16:00-17:00 on weekends and
  public holidays.

The phone numbers are in the ranges set aside for fiction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time

from django.db import transaction

from comptoir.accounts.models import User
from comptoir.calendars.models import Calendar
from comptoir.dispatch import catalogue
from comptoir.dispatch.models import Rota, RotaMember

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
FIRST_MONDAY = date(2026, 1, 5)

HOTLINE_HOURS = {
    "timezone": "Europe/Paris",
    "week": {d: ["09:00-12:00", "14:00-17:30"] if d in WEEKDAYS else [] for d in (*WEEKDAYS, "sat", "sun")},
    "holidays": {"country": "FR", "subdivision": None},
    "holiday_hours": [],
    "closures": [],
    "openings": {},
}

EMERGENCY_HOURS = {
    "timezone": "Europe/Paris",
    "week": {
        d: ["06:00-22:00"] if d in WEEKDAYS else ["09:00-10:00", "16:00-17:00"]
        for d in (*WEEKDAYS, "sat", "sun")
    },
    "holidays": {"country": "FR", "subdivision": None},
    "holiday_hours": ["09:00-10:00", "16:00-17:00"],
    "closures": [],
    "openings": {},
}


def _rota(name: str, *, kind: str, calendar: Calendar, phone: str, agents: Sequence[User]) -> Rota:
    rota, created = Rota.objects.get_or_create(
        name=name,
        defaults={
            "kind": kind,
            "calendar": calendar,
            "phone": phone,
            "starts_on": FIRST_MONDAY,
            "handover_time": time(9, 0),
            "period_days": 7,
        },
    )
    if created:
        RotaMember.objects.bulk_create(
            [RotaMember(rota=rota, user=agent, position=i) for i, agent in enumerate(agents)]
        )
    return rota


@transaction.atomic
def procedure_003(agents: Sequence[User]) -> tuple[Rota, Rota]:
    """The on-duty rota and the emergency line's on-call rota, for these agents in turn.
    Loading twice changes nothing."""
    hotline = Calendar.objects.get_or_create(
        name="Hotline — 9h-12h / 14h-17h30", defaults={"spec": HOTLINE_HOURS}
    )[0]
    emergency = Calendar.objects.get_or_create(
        name="Ligne d'urgence — 6h-22h, week-ends et fériés 9h-10h / 16h-17h",
        defaults={"spec": EMERGENCY_HOURS},
    )[0]
    on_duty = _rota(
        "Permanence support", kind=Rota.Kind.ON_DUTY, calendar=hotline, phone="01 99 00 83 39", agents=agents
    )
    on_call = _rota(
        "Astreinte plateformes",
        kind=Rota.Kind.EMERGENCY,
        calendar=emergency,
        phone="06 39 98 02 76",
        # Another order: the agent on duty is not on call the same week.
        agents=[*agents[1:], *agents[:1]],
    )
    transaction.on_commit(catalogue.reset)
    return on_duty, on_call
