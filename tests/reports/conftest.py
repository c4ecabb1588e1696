"""A known history for the reports, built through the services with the clock pinned
(time-machine), in April and May 2026 (Europe/Paris).

The parish works on procedure 000's calendar (9:30-17:00, Monday to Friday, French
holidays: Friday 1 May 2026 is one); the town hall has no calendar (elapsed time). SLA:
procedure 000's policies (acknowledge 1 h, pick up 4 h, resolve 15 business hours).

- T1, Monday 20 April 10:00: taken 10:30, answered 11:00, resolved Tuesday 10:00, rated 5.
- T2, Thursday 30 April 16:00 (before the holiday and the weekend): taken Monday 4 May
  10:30, answered 11:30, resolved Tuesday 5 May 9:30, rated 2.
- T3, Friday 24 April 16:30: taken Monday 27 April 9:45, answered 10:30, resolved 16:30,
  reopened by the requester Tuesday 10:00, resolved again 11:00 (not rated).
- T4, the town hall, Tuesday 5 May 10:00: answered 10:20.
- T5, Wednesday 6 May 9:30: escalated to L2 at 10:00 (L1's clocks handed over).
- T6, Wednesday 6 May 14:00, marked URGENT: downgraded at 14:30, requalified as an
  incident at 14:45.

Then the facts are filled (Thursday 7 May, 8:00).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from comptoir.calendars.models import Calendar
from comptoir.reports import facts
from comptoir.satisfaction.models import Survey
from comptoir.sla import policies, presets
from comptoir.tickets import services
from comptoir.tickets.models import Ticket
from comptoir.tickets.services import answer_survey as answer
from tests.conftest import Desk

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
FILLED_AT = datetime(2026, 5, 7, 8, 0, tzinfo=PARIS)
PERIOD = {"from": "2026-04-01", "to": "2026-05-31"}


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def at(moment: datetime):  # type: ignore[no-untyped-def]
    return time_machine.travel(moment, tick=False)


def support_spec() -> dict[str, object]:
    return {
        "timezone": "Europe/Paris",
        "week": {d: ["09:30-17:00"] if d in WEEKDAYS else [] for d in (*WEEKDAYS, "sat", "sun")},
        "holidays": {"country": "FR", "subdivision": None},
        "holiday_hours": [],
        "closures": [],
        "openings": {},
    }


@dataclass
class History:
    desk: Desk
    t1: Ticket
    t2: Ticket
    t3: Ticket
    t4: Ticket
    t5: Ticket
    t6: Ticket

    def numbers(self, *tickets: Ticket) -> set[int]:
        return {t.number for t in tickets}


def _rate(ticket: Ticket, rating: int, when: datetime) -> None:
    survey = Survey.objects.get(ticket=ticket, superseded=False)
    with at(when):
        answer(survey, rating=rating, by=ticket.requester)


@pytest.fixture
def known_history(desk: Desk) -> History:
    calendar = Calendar.objects.create(name="Support 9h30-17h", spec=support_spec())
    desk.parish.calendar = calendar
    desk.parish.save(update_fields=["calendar"])
    presets.procedure_000(calendar)
    policies.forget()
    d = desk

    with at(paris(2026, 4, 20, 10, 0)):
        t1 = d.open(subject="Importer les contacts", product=d.product)
    with at(paris(2026, 4, 20, 10, 30)):
        services.take(t1, by=d.l1)
    with at(paris(2026, 4, 20, 11, 0)):
        services.reply(t1, by=d.l1, body="Voici la marche à suivre.")
    with at(paris(2026, 4, 21, 10, 0)):
        services.change_status(t1, to="resolved", by=d.l1)
    _rate(t1, 5, paris(2026, 4, 21, 12, 0))

    with at(paris(2026, 4, 24, 16, 30)):
        t3 = d.open(subject="Bannière décalée", product=d.product)
    with at(paris(2026, 4, 27, 9, 45)):
        services.take(t3, by=d.l1)
    with at(paris(2026, 4, 27, 10, 30)):
        services.reply(t3, by=d.l1, body="C'est corrigé.")
    with at(paris(2026, 4, 27, 16, 30)):
        services.change_status(t3, to="resolved", by=d.l1)
    with at(paris(2026, 4, 28, 10, 0)):
        services.change_status(t3, to="open", by=d.requester)
    with at(paris(2026, 4, 28, 11, 0)):
        services.change_status(t3, to="resolved", by=d.l1)

    with at(paris(2026, 4, 30, 16, 0)):
        t2 = d.open(subject="Formulaire disparu", product=d.product)
    with at(paris(2026, 5, 4, 10, 30)):
        services.take(t2, by=d.l1)
    with at(paris(2026, 5, 4, 11, 30)):
        services.reply(t2, by=d.l1, body="Le bloc est réactivé.")
    with at(paris(2026, 5, 5, 9, 30)):
        services.change_status(t2, to="resolved", by=d.l1)
    _rate(t2, 2, paris(2026, 5, 5, 10, 0))

    with at(paris(2026, 5, 5, 10, 0)):
        t4 = d.open(requester=d.neighbour, subject="Accès à l'intranet")
    with at(paris(2026, 5, 5, 10, 20)):
        services.reply(t4, by=d.l1, body="Votre accès est rétabli.")

    with at(paris(2026, 5, 6, 9, 30)):
        t5 = d.open(subject="Migration du serveur", product=d.product)
    with at(paris(2026, 5, 6, 10, 0)):
        services.escalate(t5, by=d.l1, reason="Relève de l'équipe technique")

    with at(paris(2026, 5, 6, 14, 0)):
        t6 = d.open(subject="URGENT : police du site", product=d.product, is_urgent=True)
    with at(paris(2026, 5, 6, 14, 30)):
        services.set_urgency(t6, urgent=False, by=d.l1, reason="Pas une urgence")
    with at(paris(2026, 5, 6, 14, 45)):
        services.requalify(t6, by=d.l1, reason="Anomalie", type="incident")

    with at(FILLED_AT):
        facts.refresh()
    return History(d, t1, t2, t3, t4, t5, t6)
