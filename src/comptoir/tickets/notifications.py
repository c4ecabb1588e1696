"""Mails to people about their tickets, as outbox rows (built here, stored by services).

Subjects always carry the number (``[#123456]``, procedure 002); each mail is rendered in
the recipient's language; the Message-ID carries the ticket so replies thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from comptoir.accounts.contracts import organisation_calendar, organisation_language
from comptoir.accounts.models import User
from comptoir.catalog.models import Group
from comptoir.core import outbox
from comptoir.core.models import OutboxMessage
from comptoir.dispatch.catalogue import catalogue
from comptoir.dispatch.models import Rota
from comptoir.mail import wording
from comptoir.mail.models import Mailbox
from comptoir.sla.display import clock_views
from comptoir.tickets import history, lifecycle
from comptoir.tickets.links import desk_url, follow_url, message_id
from comptoir.tickets.models import Message, Ticket
from comptoir.tickets.vocabulary import Priority, Severity

if TYPE_CHECKING:
    from comptoir.requestforms.rules import Field
    from comptoir.satisfaction.services import Invitation
    from comptoir.sla.models import SLAClock


def _language(user: User, ticket: Ticket) -> str:
    """The recipient's language, else their organisation's (from the per-process
    catalogue: no query per mail), else the site's."""
    return user.language or organisation_language(ticket.organisation_id) or settings.LANGUAGE_CODE


def _mail(
    template: str, *, to: User, ticket: Ticket, at: datetime, context: dict[str, object] | None = None
) -> OutboxMessage | None:
    if not to.email:
        return None
    language = _language(to, ticket)
    with translation.override(language):
        ctx = {
            "ticket": ticket,
            "recipient": to,
            "url": follow_url(ticket, to),
            "without_password": not to.has_usable_password(),
            **(context or {}),
        }
        custom = wording.render(template, language, ctx)
        if custom is not None:
            subject, body = custom
        else:
            subject = render_to_string(f"tickets/mail/{template}_subject.txt", ctx).strip()
            body = render_to_string(f"tickets/mail/{template}_body.txt", ctx)
    headers = {
        "Message-ID": message_id(ticket),
        "X-Comptoir-Ticket": str(ticket.number),
        "Auto-Submitted": "auto-replied" if template in AUTO_REPLIES else "auto-generated",
    }
    if template == "reply":
        del headers["Auto-Submitted"]  # a person wrote it: the requester's client may answer
    if ticket.mail_thread_id:
        # The requester's mail client keeps our mails in the thread of their first mail.
        headers["In-Reply-To"] = headers["References"] = f"<{ticket.mail_thread_id}>"
    reply_to = _reply_to(ticket)
    if reply_to:
        headers["Reply-To"] = reply_to
    payload = {
        "to": [to.email],
        "subject": f"[{ticket.reference}] {subject}",
        "body": body,
        "headers": headers,
    }
    if template == "reply":
        # Agents' answers go out as plain text plus clean HTML.
        payload["html"] = render_to_string("tickets/mail/reply_body.html", {"body": body})
    return outbox.build("mail", payload, at=at, ticket_id=ticket.pk)


def _reply_to(ticket: Ticket) -> str:
    """Where an answer by mail must go: the ticket's mailbox, else the default one (the first
    active mailbox) — a ticket opened on the portal or by the API has none, and an answer to
    the sending address may reach no mailbox that Comptoir reads. "" when none is set up."""
    if ticket.mailbox_id and ticket.mailbox and ticket.mailbox.is_active:
        return str(ticket.mailbox.address)
    return Mailbox.default_address()


AUTO_REPLIES = {
    "acknowledgement",
    "fresh_link",
    "details_needed",
    "refused",
    "closed_follow_up",
    "urgent_downgraded",
    "reminder",
}


def acknowledgement(ticket: Ticket, *, at: datetime) -> OutboxMessage | None:
    """Procedure 001: an automatic reply with a link to follow the ticket; outside business
    hours it says when the team will be back (the organisation's calendar)."""
    calendar = organisation_calendar(ticket.organisation_id)
    back_at = None
    if calendar is not None and not calendar.is_open(at):
        back_at = calendar.next_opening(at)
    emergency_phone = _emergency_phone(at) if ticket.is_urgent and back_at else ""
    return _mail(
        "acknowledgement",
        to=ticket.requester,
        ticket=ticket,
        at=at,
        context={"back_at": back_at, "emergency_phone": emergency_phone},
    )


def _emergency_phone(at: datetime) -> str:
    """The emergency line's number when it answers at ``at`` (its own hours, or always
    without them): an URGENT request sent while the team is away is told whom to call."""
    rota = catalogue().rota(Rota.Kind.EMERGENCY)
    if rota is None or not rota.phone or (rota.calendar is not None and not rota.calendar.is_open(at)):
        return ""
    return rota.phone


def details_needed(ticket: Ticket, missing: Sequence[Field], *, at: datetime) -> OutboxMessage | None:
    """Procedure 002: a request that came by mail without the facts its request form
    requires (the page concerned, the browser, a screenshot…) gets a mail asking for them."""
    language = _language(ticket.requester, ticket)
    asked = [(f.label(language), f.help(language)) for f in missing]
    return _mail("details_needed", to=ticket.requester, ticket=ticket, at=at, context={"asked": asked})


def agent_replied(
    ticket: Ticket, message: Message, *, at: datetime, invitation: Invitation | None = None
) -> OutboxMessage | None:
    """Procedure 001: a mail on every answer; the requester may answer it. An answer that
    resolves the request says so and carries the invitation to rate it (procedure 003)."""
    context: dict[str, object] = {"message": message}
    if invitation is not None:
        context |= {"survey_url": invitation.url, "survey_expires_at": invitation.expires_at}
    return _mail("reply", to=ticket.requester, ticket=ticket, at=at, context=context)


def requester_replied(ticket: Ticket, message: Message, *, at: datetime) -> OutboxMessage | None:
    if ticket.assignee is None:
        return None
    return _mail("requester_reply", to=ticket.assignee, ticket=ticket, at=at, context={"message": message})


def status_changed(
    ticket: Ticket, *, at: datetime, invitation: Invitation | None = None
) -> OutboxMessage | None:
    """Procedures 001 and 002: the requester hears when the ticket is resolved or closed;
    procedure 003: the resolution mail carries the invitation to rate it."""
    if ticket.status not in history.DONE:
        return None
    context = {"survey_url": invitation.url, "survey_expires_at": invitation.expires_at} if invitation else {}
    return _mail(f"status_{ticket.status}", to=ticket.requester, ticket=ticket, at=at, context=context)


SLA_DIGEST_LINES = 200


def sla_alert(
    clocks: Sequence[SLAClock], *, level: str, to: list[str], cc: list[str], at: datetime
) -> OutboxMessage | None:
    """SLA warnings (a share of the target used) or breaches for one set of recipients, in
    the desk's language: one mail naming the ticket when there is one, else a digest."""
    recipients = to or cc
    if not recipients or not clocks:
        return None
    first = clocks[0].ticket
    with translation.override(settings.LANGUAGE_CODE):
        ctx = {
            "clocks": clocks[:SLA_DIGEST_LINES],
            "more": max(len(clocks) - SLA_DIGEST_LINES, 0),
            "count": len(clocks),
            "ticket": first,
            "level": level,
            "url": desk_url(first),
            "queue_url": settings.COMPTOIR_BASE_URL.rstrip("/") + reverse("desk:queue") + "?sla=breached",
        }
        subject = render_to_string("tickets/mail/sla_alert_subject.txt", ctx).strip()
        body = render_to_string("tickets/mail/sla_alert_body.txt", ctx)
    single = len(clocks) == 1
    payload = {
        "to": recipients,
        "cc": cc if to else [],
        "subject": f"[{first.reference}] {subject}" if single else subject,
        "body": body,
        "headers": {"Auto-Submitted": "auto-generated"}
        | ({"X-Comptoir-Ticket": str(first.number)} if single else {}),
    }
    return outbox.build("mail", payload, at=at, ticket_id=first.pk if single else None)


def reminder(ticket: Ticket, *, number: int, at: datetime) -> OutboxMessage | None:
    """Procedure 002: the requester is reminded that we wait for their answer."""
    return _mail("reminder", to=ticket.requester, ticket=ticket, at=at, context={"number": number})


def urgency_downgraded(ticket: Ticket, *, reason: str, at: datetime) -> OutboxMessage | None:
    """Procedure 001: abuse of URGENT is downgraded and the requester is told why."""
    return _mail("urgent_downgraded", to=ticket.requester, ticket=ticket, at=at, context={"reason": reason})


def assigned_to_you(ticket: Ticket, *, at: datetime) -> OutboxMessage | None:
    if ticket.assignee is None:
        return None
    return _mail("assigned", to=ticket.assignee, ticket=ticket, at=at, context={"desk_url": desk_url(ticket)})


def _to_people(
    template: str, people: Sequence[User], *, ticket: Ticket, at: datetime, context: dict[str, object]
) -> list[OutboxMessage | None]:
    """One mail per person (each in their own language), each person once."""
    seen: set[int] = set()
    mails = []
    for person in people:
        if person.pk in seen or not person.is_active:
            continue
        seen.add(person.pk)
        mails.append(_mail(template, to=person, ticket=ticket, at=at, context=context))
    return mails


def _team(group: Group | None, *, besides: User | None = None) -> list[User]:
    if group is None:
        return []
    return [
        u
        for u in group.members.filter(is_active=True).order_by("pk")
        if besides is None or u.pk != besides.pk
    ]


def escalated_to_group(ticket: Ticket, *, reason: str, by: User, at: datetime) -> list[OutboxMessage | None]:
    """Issue #5: the receiving group is told a ticket was handed to it, and why."""
    return _to_people(
        "escalated",
        _team(ticket.group, besides=by),
        ticket=ticket,
        at=at,
        context={"desk_url": desk_url(ticket), "reason": reason, "by": by},
    )


def forwarded_to_product_team(
    ticket: Ticket, *, owner: User | None, team: Group | None, note: str, at: datetime
) -> list[OutboxMessage | None]:
    """Procedure 003: the product owner (or the product team) receives the feature request,
    with the requester's own words and the agent's note."""
    people = ([owner] if owner is not None else []) + _team(team)
    first = ticket.messages.filter(kind="public").order_by("created_at", "pk").first()
    return _to_people(
        "forwarded",
        people,
        ticket=ticket,
        at=at,
        context={"desk_url": desk_url(ticket), "note": note, "first_message": first},
    )


def forwarded_to_requester(ticket: Ticket, *, at: datetime) -> OutboxMessage | None:
    return _mail("forwarded_requester", to=ticket.requester, ticket=ticket, at=at)


def linked_to_feature(ticket: Ticket, *, at: datetime) -> OutboxMessage | None:
    return _mail("linked_requester", to=ticket.requester, ticket=ticket, at=at)


def requalified(
    ticket: Ticket, *, changes: dict[str, list[object]], reason: str, at: datetime
) -> OutboxMessage | None:
    """Issue #5: the requester is told when a requalification changes what we promised
    (priority, severity, the SLA policy), with the new due times."""
    labels = {"priority": Priority, "severity": Severity}
    changed = [
        (field, labels[field](old).label, labels[field](new).label)
        for field, (old, new) in changes.items()
        if field in labels
    ]
    promised = [
        c
        for c in clock_views(ticket, now=at)
        if c.show_to_requester and c.segment_is_current and c.state == "running" and c.due_at
    ]
    return _mail(
        "requalified",
        to=ticket.requester,
        ticket=ticket,
        at=at,
        context={"changed": changed, "promised": promised, "reason": reason},
    )


def worked_before(
    ticket: Ticket, *, besides: User | None = None, besides_group: Group | None = None
) -> list[User]:
    """The active people who worked the ticket before an escalation: its previous
    assignees, the agents who escalated it and the members of its previous groups (one
    query), except ``besides`` and the members of ``besides_group``."""
    agents = Ticket.past_agents.through.objects.filter(ticket_id=ticket.pk, user_id=OuterRef("pk"))
    groups = Ticket.past_groups.through.objects.filter(ticket_id=ticket.pk).values("group_id")
    members = Group.members.through.objects.filter(group_id__in=groups, user_id=OuterRef("pk"))
    people = User.objects.filter(Q(Exists(agents)) | Q(Exists(members)), is_active=True)
    if besides is not None:
        people = people.exclude(pk=besides.pk)
    if besides_group is not None:
        people = people.exclude(
            Exists(Group.members.through.objects.filter(group_id=besides_group.pk, user_id=OuterRef("pk")))
        )
    return list(people.order_by("pk"))


def escalated_further(
    ticket: Ticket, people: Sequence[User], *, reason: str, by: User, at: datetime
) -> list[OutboxMessage | None]:
    """Those who worked the ticket before (``worked_before``) hear that it went on to
    another group, and why."""
    return _to_people(
        "worked_escalated",
        people,
        ticket=ticket,
        at=at,
        context={"desk_url": desk_url(ticket), "reason": reason, "by": by},
    )


def resolved_for_past_workers(
    ticket: Ticket, *, by: User | None, at: datetime, message: Message | None = None, reason: str = ""
) -> list[OutboxMessage | None]:
    """Procedure 000: L1 stays the requester's contact once L2 has the request, so those
    who worked it before an escalation hear of its resolution, with the answer or the
    comment that resolved it. Nothing unless the ticket is now resolved."""
    if ticket.status != lifecycle.RESOLVED:
        return []
    return _to_people(
        "worked_resolved",
        worked_before(ticket, besides=by),
        ticket=ticket,
        at=at,
        context={"desk_url": desk_url(ticket), "by": by, "message": message, "reason": reason},
    )


def fresh_link(ticket: Ticket, *, to: User, at: datetime) -> OutboxMessage | None:
    """A new link to follow the request, asked for from an expired or used one: sent to the
    person the old link was made for, at their own address."""
    return _mail("fresh_link", to=to, ticket=ticket, at=at)
