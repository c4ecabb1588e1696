"""Sending the review of open requests (procedure 003) by mail: on schedule, or at once
from the desk.

``send_due`` is the periodic job. For each enabled ``DigestSchedule`` whose time has come
today, it claims each scope (every supervisor's review, then each group's) by inserting a
``DigestSending`` row for (schedule, scope, local date): the unique constraint lets one
run, and one consumer, win; the loser's insert fails and it sends nothing. The mails are
outbox rows written in the claim's transaction, so a crash before commit leaves nothing
claimed and nothing sent. A rerun the same day finds the rows and does nothing.

Each recipient gets the review in their language, with times in their time zone, and
links to the desk's tickets and to the review page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptoir.accounts.models import User
from comptoir.catalog.models import Group
from comptoir.core import outbox
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import PermissionDenied
from comptoir.core.models import OutboxMessage
from comptoir.workflow import digest, digest_times
from comptoir.workflow.models import DigestSchedule, DigestSending

ALL = "all"


def scope_of(group: Group | None) -> str:
    return ALL if group is None else f"group:{group.pk}"


def window_of(schedule: DigestSchedule | None) -> digest.Window:
    if schedule is None:
        return digest.Window()
    return digest.Window(schedule.inactive_days, schedule.due_soon_hours, schedule.calendar_id)


def current_schedule() -> DigestSchedule | None:
    """The schedule whose settings the desk's review page uses: the first enabled one."""
    return DigestSchedule.objects.filter(is_enabled=True).order_by("send_at", "pk").first()


# Who may see and send which review ----------------------------------------------------


def check_can_review(user: User, group: Group | None) -> None:
    """Supervisors and administrators see every review; a group's supervisor, the review
    of that group."""
    if user.sees_everything:
        return
    if group is not None and group.supervisor_id == user.pk:
        return
    raise PermissionDenied(_("Only supervisors see the review of open requests."))


def reviewable_groups(user: User) -> QuerySet[Group]:
    groups = Group.objects.order_by("tier", "name")
    return groups if user.sees_everything else groups.filter(supervisor=user)


def recipients(group: Group | None, *, supervisors_get_all: bool = True) -> list[User]:
    """Every active supervisor for the whole review; for a group's, its active members
    and its supervisor, except supervisors already sent the whole review."""
    people = User.objects.filter(is_active=True).exclude(email="")
    if group is None:
        return list(people.filter(role=User.Role.SUPERVISOR).order_by("email"))
    chosen = people.filter(pk__in=group.members.values("pk")) | people.filter(pk=group.supervisor_id or 0)
    if supervisors_get_all:
        chosen = chosen.exclude(role=User.Role.SUPERVISOR)
    return list(chosen.distinct().order_by("email"))


# The mails --------------------------------------------------------------------------------


def review_url(group: Group | None) -> str:
    url = settings.COMPTOIR_BASE_URL.rstrip("/") + reverse("desk:digest")
    return f"{url}?group={group.pk}" if group is not None else url


def mails(review: digest.Digest, people: Sequence[User], *, at: datetime) -> list[OutboxMessage]:
    """One mail per person, rendered once per (language, time zone)."""
    rendered: dict[tuple[str, str], tuple[str, str, str]] = {}
    made = []
    for person in people:
        key = (person.language or settings.LANGUAGE_CODE, person.timezone or settings.TIME_ZONE)
        if key not in rendered:
            with translation.override(key[0]), timezone.override(ZoneInfo(key[1])):
                ctx = {
                    "digest": review,
                    "base_url": settings.COMPTOIR_BASE_URL.rstrip("/"),
                    "review_url": review_url(review.group),
                }
                rendered[key] = (
                    " ".join(render_to_string("workflow/mail/digest_subject.txt", ctx).split()),
                    render_to_string("workflow/mail/digest_body.txt", ctx),
                    render_to_string("workflow/mail/digest_body.html", ctx),
                )
        subject, text, html = rendered[key]
        payload = {
            "to": [person.email],
            "subject": subject,
            "body": text,
            "html": html,
            "headers": {"Auto-Submitted": "auto-generated"},
        }
        made.append(outbox.build("mail", payload, at=at))
    return made


# Sending ----------------------------------------------------------------------------------


def send_due(*, at: datetime | None = None) -> int:
    """The periodic job: sends the reviews whose time has come, once per scope and day;
    returns the number of mails written."""
    at = at or clock_now()
    written = 0
    for schedule in DigestSchedule.objects.filter(is_enabled=True).order_by("pk"):
        day = digest_times.due_date(
            at, zone=ZoneInfo(schedule.time_zone), send_at=schedule.send_at, weekdays=schedule.weekdays
        )
        if day is None:
            continue
        done = set(
            DigestSending.objects.filter(
                schedule=schedule, day=day, trigger=DigestSending.Trigger.SCHEDULED
            ).values_list("scope", flat=True)
        )
        scopes: list[Group | None] = [None] if schedule.to_supervisors else []
        if schedule.to_groups:
            scopes += list(Group.objects.order_by("pk"))
        for group in scopes:
            if scope_of(group) not in done:
                written += _claim_and_send(schedule, group, day=day, at=at)
    return written


def _claim_and_send(schedule: DigestSchedule, group: Group | None, *, day: date, at: datetime) -> int:
    with transaction.atomic():
        try:
            # The claim. On PostgreSQL a concurrent insert of the same (schedule, scope,
            # day) waits for this transaction and then fails: only one consumer sends.
            with transaction.atomic():
                sending = DigestSending.objects.create(
                    schedule=schedule, scope=scope_of(group), group=group, day=day, at=at
                )
        except IntegrityError:
            return 0
        review = digest.build(group=group, at=at, window=window_of(schedule))
        people: list[User] = []
        if schedule.send_when_empty or not review.is_empty:
            people = recipients(group, supervisors_get_all=schedule.to_supervisors)
        rows = outbox.enqueue(mails(review, people, at=at))
        sending.recipients, sending.listed = len(rows), review.listed
        sending.save(update_fields=["recipients", "listed"])
    return len(rows)


def send_now(*, by: User, group: Group | None, at: datetime | None = None) -> int:
    """The desk's "send now": the review of ``group`` (None: every group) goes at once to
    its recipients, even when there is nothing to report; returns how many people."""
    at = at or clock_now()
    check_can_review(by, group)
    schedule = current_schedule()
    review = digest.build(group=group, at=at, window=window_of(schedule))
    people = recipients(group, supervisors_get_all=schedule.to_supervisors if schedule else True)
    with transaction.atomic():
        rows = outbox.enqueue(mails(review, people, at=at))
        DigestSending.objects.create(
            schedule=schedule,
            scope=scope_of(group),
            group=group,
            day=timezone.localdate(at),
            trigger=DigestSending.Trigger.ON_DEMAND,
            by=by,
            at=at,
            recipients=len(rows),
            listed=review.listed,
        )
    return len(rows)
