"""A small backlog of open requests for the periodic review and the periodic jobs, built
through the ticket services at pinned times (procedure 000's SLA on the parish's
9:30-17:00 calendar; the town hall has no calendar and no SLA)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from comptoir.calendars.models import Calendar
from comptoir.sla import policies, presets
from comptoir.tickets import services
from comptoir.tickets.models import Ticket
from tests.conftest import Desk, flush_mail

PARIS = ZoneInfo("Europe/Paris")
WEEK = {d: ["09:30-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")} | {"sat": [], "sun": []}


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def at(moment: datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


def procedure_000(desk: Desk) -> Calendar:
    """The parish works 9:30-17:00 on French business days, under procedure 000's SLA."""
    calendar = Calendar.objects.create(
        name="Spyrit",
        spec={"timezone": "Europe/Paris", "week": WEEK, "holidays": {"country": "FR", "subdivision": None}},
    )
    desk.parish.calendar = calendar
    desk.parish.save()
    presets.procedure_000(calendar, [desk.parish])
    policies.forget()
    return calendar


@dataclass
class Backlog:
    unanswered: Ticket  # Monday 10:00, nobody answered: its acknowledgement is breached
    due_soon: Ticket  # answered and taken on Friday: resolution due Tuesday 11:00
    blocking: Ticket  # the town hall's blocking incident, untouched since Thursday
    triage: Ticket  # sent Tuesday 7:00 without a product: counts from 9:30
    waiting: Ticket  # waiting on the requester: the reminders follow it
    resolved: Ticket


def seed(desk: Desk) -> Backlog:
    """Requests as the team finds them on Tuesday 8 December 2026 at 8:30."""
    procedure_000(desk)
    with at(paris(2026, 11, 30, 10, 0)):
        waiting = desk.open(product=desk.product, subject="Changer le logo du site")
        services.reply(waiting, by=desk.l1, body="Pouvez-vous nous envoyer le logo ?", set_status="pending")
        resolved = desk.open(product=desk.product, subject="Mot de passe oublié")
        services.change_status(resolved, to="resolved", by=desk.l1)
    with at(paris(2026, 12, 3, 9, 0)):  # Thursday
        blocking = desk.open(
            requester=desk.neighbour,
            subject="Le site de la mairie est inaccessible",
            product=desk.other_product,
            type="incident",
            severity="blocking",
        )
    with at(paris(2026, 12, 3, 10, 0)):
        services.reply(blocking, by=desk.stranger_agent, body="Nous regardons tout de suite.")
        services.take(blocking, by=desk.stranger_agent)
    with at(paris(2026, 12, 4, 11, 0)):  # Friday
        due_soon = desk.open(product=desk.product, subject="Le formulaire de don ne s'affiche plus")
    with at(paris(2026, 12, 4, 11, 30)):
        services.reply(due_soon, by=desk.l1, body="Bien reçu, nous corrigeons.")
        services.take(due_soon, by=desk.l1)
    with at(paris(2026, 12, 7, 10, 0)):  # Monday
        unanswered = desk.open(product=desk.product, subject="Importer nos contacts dans Mailpoet")
    with at(paris(2026, 12, 8, 7, 0)):  # Tuesday, before opening
        triage = desk.open(subject="Question sur la facture")
    flush_mail()
    return Backlog(unanswered, due_soon, blocking, triage, waiting, resolved)
