"""The monthly report by mail: last month's figures to every supervisor (the whole desk)
and to each organisation's admins (their own organisation: its quota, its response times).

``send_due`` is the periodic job (daily; it sends during the first days of a month). It
claims each scope by inserting a ``MonthlyReport`` row for (month, scope): the unique
constraint lets one run, and one consumer, win; the mails are outbox rows written in the
claim's transaction, so a crash before commit leaves nothing claimed and nothing sent, and
a rerun finds the row and sends nothing. Each person gets it in their language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from comptoir.accounts.models import Organisation, User
from comptoir.core import outbox
from comptoir.core.clock import now as clock_now
from comptoir.core.models import OutboxMessage
from comptoir.reports import facts, measures, stats
from comptoir.reports.measures import Table
from comptoir.reports.models import MonthlyReport
from comptoir.reports.query import Scope

ALL = "all"
SEND_DAYS = 7  # sent during the first days of the month (a consumer down on the 1st catches up)
SUPERVISOR_MEASURES = (
    measures.VOLUME,
    measures.RESPONSE_TIMES,
    measures.SLA,
    measures.SATISFACTION,
    measures.QUOTA,
)


def scope_of(organisation: Organisation | None) -> str:
    return ALL if organisation is None else f"organisation:{organisation.pk}"


@dataclass(frozen=True)
class Section:
    """A table as a mail reads it: each row's label and its (figure, value) pairs."""

    title: str
    rows: list[tuple[str, list[tuple[str, str]]]]
    several: bool

    @classmethod
    def of(cls, table: Table) -> Section:
        rows = [
            (row.label, [(c.label, cell.text) for c, cell in zip(table.columns, row.cells, strict=True)])
            for row in table.rows
        ]
        return cls(table.title, rows, len(rows) > 1)


@dataclass(frozen=True)
class Report:
    month: date
    organisation: Organisation | None
    tables: list[Table]
    url: str

    @property
    def sections(self) -> list[Section]:
        return [Section.of(t) for t in self.tables if t.columns]


def build(month: date, organisation: Organisation | None, *, at: datetime) -> Report:
    """The month's figures, as recorded, in business hours, for the whole desk or one
    organisation (rendered in the language active when the mail is rendered)."""
    last = stats.bucket_end(month, stats.MONTH)
    filters = (("organisation", str(organisation.pk)),) if organisation is not None else ()
    scope = Scope(month, last, filters)
    wanted = measures.ORGANISATION_MEASURES if organisation is not None else SUPERVISOR_MEASURES
    tables = [measures.build(m, scope, stats.TOTAL, at=at) for m in wanted]
    page = reverse("reports:organisation" if organisation is not None else "reports:dashboard")
    url = settings.COMPTOIR_BASE_URL.rstrip("/") + page + "?" + urlencode({"from": month, "to": last})
    return Report(month, organisation, tables, url)


def recipients(organisation: Organisation | None) -> list[User]:
    people = User.objects.filter(is_active=True).exclude(email="")
    if organisation is None:
        return list(people.filter(role=User.Role.SUPERVISOR).order_by("email"))
    return list(people.filter(role=User.Role.ORG_ADMIN, organisation=organisation).order_by("email"))


def mails(
    month: date, organisation: Organisation | None, people: Sequence[User], *, at: datetime
) -> list[OutboxMessage]:
    """One mail per person, built once per language."""
    rendered: dict[str, tuple[str, str, str]] = {}
    made = []
    for person in people:
        language = (
            person.language or (organisation.language if organisation else "") or settings.LANGUAGE_CODE
        )
        if language not in rendered:
            with translation.override(language):
                report = build(month, organisation, at=at)
                ctx = {"report": report, "month": month}
                rendered[language] = (
                    " ".join(render_to_string("reports/mail/monthly_subject.txt", ctx).split()),
                    render_to_string("reports/mail/monthly_body.txt", ctx),
                    render_to_string("reports/mail/monthly_body.html", ctx),
                )
        subject, text, html = rendered[language]
        payload = {
            "to": [person.email],
            "subject": subject,
            "body": text,
            "html": html,
            "headers": {"Auto-Submitted": "auto-generated"},
        }
        made.append(outbox.build("mail", payload, at=at))
    return made


def _claim_and_send(month: date, organisation: Organisation | None, *, at: datetime) -> int:
    people = recipients(organisation)
    if not people:
        return 0
    with transaction.atomic():
        try:
            # The claim: a concurrent insert of the same (month, scope) waits for this
            # transaction and then fails, so only one consumer sends.
            with transaction.atomic():
                sent = MonthlyReport.objects.create(
                    month=month, scope=scope_of(organisation), organisation=organisation, at=at
                )
        except IntegrityError:
            return 0
        rows = outbox.enqueue(mails(month, organisation, people, at=at))
        sent.recipients = len(rows)
        sent.save(update_fields=["recipients"])
    return len(rows)


def send_due(*, at: datetime | None = None) -> int:
    """The periodic job: last month's reports not sent yet; returns the mails written."""
    at = at or clock_now()
    today = timezone.localdate(at)
    if today.day > SEND_DAYS:
        return 0
    month, _last = stats.previous_month(today)
    facts.refresh(at=at)
    done = set(MonthlyReport.objects.filter(month=month).values_list("scope", flat=True))
    written = 0
    if ALL not in done:
        written += _claim_and_send(month, None, at=at)
    with_admins = Organisation.objects.filter(
        is_active=True, users__role=User.Role.ORG_ADMIN, users__is_active=True
    ).distinct()
    for organisation in with_admins.order_by("pk"):
        if scope_of(organisation) not in done:
            written += _claim_and_send(month, organisation, at=at)
    return written
