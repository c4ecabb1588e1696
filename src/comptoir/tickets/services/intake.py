"""Opening tickets, from every channel."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.accounts import eligibility
from comptoir.core import outbox
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import PermissionDenied, ValidationError
from comptoir.dispatch import services as dispatch
from comptoir.requestforms import services as requestforms
from comptoir.sla import services as sla
from comptoir.tickets import events, notifications
from comptoir.tickets.attachments import IncomingFile, attach, check_files
from comptoir.tickets.models import Message, Ticket, TicketEvent
from comptoir.tickets.numbering import next_number
from comptoir.tickets.services._common import require_body
from comptoir.tickets.vocabulary import Channel, Priority, Severity, Status, TicketType
from comptoir.webhooks import services as webhooks
from comptoir.workflow import quota

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.catalog.models import Component, Group, Product
    from comptoir.mail.models import Mailbox


def open_ticket(
    *,
    requester: User,
    subject: str,
    body: str,
    channel: str,
    by: User | None = None,
    type: str = TicketType.QUESTION,
    severity: str = Severity.NORMAL,
    priority: str = Priority.NORMAL,
    product: Product | None = None,
    component: Component | None = None,
    group: Group | None = None,
    is_urgent: bool = False,
    body_html: str = "",
    attachments: list[IncomingFile] | None = None,
    mailbox: Mailbox | None = None,
    mail_thread_id: str = "",
    urgent_review: bool = False,
    linked_to: Ticket | None = None,
    followers: Sequence[User] = (),
    acknowledge: bool = True,
    details: Mapping[str, str] | None = None,
    ask_missing: bool | None = None,
    at: datetime | None = None,
) -> Ticket:
    """Open a ticket: it gets its number at once (procedure 002: every contact gets a
    unique number), its first message, a ``created`` event and the acknowledgement mail
    (procedure 001), in one transaction. ``by`` is the agent logging a phone call for the
    requester; ``group`` defaults to the product's default group, else the triage queue.
    Mail intake passes its ``mailbox`` (threading is scoped to it), the requester's
    ``mail_thread_id``, ``followers`` (people in copy), ``linked_to`` (a reply to a closed
    ticket becomes a new one following it) and ``acknowledge=False`` when the sender has had
    enough automatic answers for now. ``details`` are the facts the request form asks
    for; ``ask_missing`` (by default for mail) when the request was written without the
    form: its text is read for them and what it lacks is asked for by mail.
    """
    at = at or clock_now()
    by = by or requester
    subject = " ".join((subject or "").split())
    if not subject:
        raise ValidationError(_("The subject is empty."))
    body = require_body(body)
    if channel not in Channel.values:
        raise ValidationError(_("Unknown channel."))
    if by.pk != requester.pk and not by.is_staff_member:
        raise PermissionDenied(_("Only the support team can open a ticket for someone else."))
    if component is not None and (product is None or component.product_id != product.pk):
        raise ValidationError(_("This component does not belong to the chosen product."))
    check_files(attachments or [])
    # An explicit group wins; then the routing rules; then the product's default group;
    # else the triage queue.
    routing = dispatch.route(
        group=group,
        product=product,
        component=component,
        type=type,
        channel=channel,
        organisation_id=requester.organisation_id,
        mailbox=mailbox,
        subject=subject,
        body=body,
    )
    group = routing.group
    # Procedure 002: only the roles the organisation serves open tickets themselves;
    # procedure 000: the contract's monthly allowance. A follow-up of a closed request is
    # not a new request, and the team logging one for someone decides for itself. Both
    # raise an error that comptoir.admission.services.submit turns into a kept request.
    if linked_to is None:
        if not by.is_staff_member:
            eligibility.check(requester)
        quota.check(requester.organisation_id, at=at, by_staff=by.is_staff_member)
    # Procedure 002: the facts the request form asks for. Forms and the API must give the
    # required ones (the team logging a call decides for itself); a mail, or a contact form
    # (which asks only for a message), is read for them, and what it lacks is asked for in a
    # mail of its own.
    facts = requestforms.collect(
        product_id=product.pk if product else None,
        type=type,
        given=details,
        text=body,
        files=None if channel == Channel.API else len(attachments or []),
        from_mail=channel == Channel.EMAIL if ask_missing is None else ask_missing,
        enforce=not by.is_staff_member,
    )
    with transaction.atomic():
        ticket = Ticket(
            number=next_number(),
            subject=subject[:250],
            type=type,
            severity=severity,
            priority=Priority.URGENT if is_urgent else priority,
            status=Status.NEW,
            channel=channel,
            product=product,
            component=component,
            requester=requester,
            organisation_id=requester.organisation_id,
            group=group,
            is_urgent=is_urgent,
            urgent_review=urgent_review,
            mailbox=mailbox,
            mail_thread_id=mail_thread_id[:255],
            linked_to=linked_to,
            details=facts.details,
            created_at=at,
            updated_at=at,
            status_since=at,
        )
        created = events.created(ticket, actor=by, at=at)
        # The clocks are planned before the insert so the ticket row carries its SLA
        # summary at once: one INSERT each for ticket, message, event, clocks and mail.
        clocks = sla.plan_for(ticket, [created], at=at)
        sla.summarise(ticket, [state for _segment, _policy, state in clocks])
        ticket.save(force_insert=True)
        message = Message.objects.create(
            ticket=ticket,
            author=by,
            kind=Message.Kind.PUBLIC,
            channel=channel,
            body_text=body,
            body_html=body_html,
            created_at=at,
        )
        if attachments:
            attach(ticket, message, attachments, at=at)
        asked = acknowledge and bool(facts.missing)
        new_events = [created]
        if asked:
            new_events.append(events.details_requested(ticket, [f.key for f in facts.missing], at=at))
        TicketEvent.objects.bulk_create(new_events)
        # After the ``created`` event, so the history reads in order: routed, assigned.
        dispatch.dispatch_new_ticket(ticket, routing, at=at)
        sla.write_clocks(ticket, clocks, new=True)
        if followers:
            ticket.followers.add(*followers)
        webhooks.publish([created])
        mails = [notifications.acknowledgement(ticket, at=at)] if acknowledge else []
        if asked:
            mails.append(notifications.details_needed(ticket, facts.missing, at=at))
        outbox.enqueue([m for m in mails if m])
    ticket._first_message = message  # type: ignore[attr-defined]
    return ticket


# How far back a call may be logged: later than that, it is a new contact.
CALL_LOGGED_WITHIN = timedelta(days=7)


def log_phone_call(
    *,
    by: User,
    subject: str,
    body: str,
    requester: User | None = None,
    new_caller: dict[str, object] | None = None,
    called_at: datetime | None = None,
    notes: str = "",
    product: Product | None = None,
    is_urgent: bool = False,
    attachments: list[IncomingFile] | None = None,
    at: datetime | None = None,
) -> Ticket:
    """Procedures 001 and 003: an agent logs a call as a ticket for the caller (created on
    the spot when new), dated when the call came in so the service levels count from it; the
    caller gets the usual acknowledgement with the number, and the agent's notes stay
    internal. All or nothing."""
    from comptoir.accounts import services as accounts
    from comptoir.tickets.services.conversation import add_note

    at = at or clock_now()
    if not by.is_staff_member:
        raise PermissionDenied(_("Only the support team can log a call."))
    called_at = called_at or at
    if called_at > at + timedelta(minutes=5):
        raise ValidationError(_("The call cannot be in the future."))
    if called_at < at - CALL_LOGGED_WITHIN:
        raise ValidationError(_("A call is logged within 7 days; for an older one, write down today's date."))
    with transaction.atomic():
        if requester is None:
            if not new_caller:
                raise ValidationError(_("Who called? Choose the caller or give their name."))
            requester = accounts.register_caller(by=by, at=at, **new_caller)  # type: ignore[arg-type]
        ticket = open_ticket(
            requester=requester,
            by=by,
            subject=subject,
            body=body,
            channel=Channel.PHONE,
            product=product,
            is_urgent=is_urgent,
            attachments=attachments,
            at=called_at,
        )
        if notes.strip():
            add_note(ticket, by=by, body=notes, at=called_at)
    return ticket
