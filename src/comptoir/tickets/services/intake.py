"""Opening tickets, from every channel."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.accounts import eligibility
from comptoir.accounts import services as accounts
from comptoir.core import outbox
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import PermissionDenied, ValidationError
from comptoir.dispatch import mails as dispatch_mails
from comptoir.dispatch import services as dispatch
from comptoir.push import services as push
from comptoir.requestforms import services as requestforms
from comptoir.tickets import events, notifications
from comptoir.tickets.attachments import IncomingFile, attach, check_files
from comptoir.tickets.models import Message, Ticket
from comptoir.tickets.new_request import NewRequest
from comptoir.tickets.numbering import next_number
from comptoir.tickets.services._common import require_body, store_new
from comptoir.tickets.vocabulary import Channel, Priority, Status
from comptoir.workflow import quota

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.catalog.models import Product


def open_ticket(request: NewRequest, *, at: datetime | None = None) -> Ticket:
    """Open a ticket for ``request``: it gets its number at once (procedure 002: every
    contact gets a unique number), its first message, a ``created`` event and the
    acknowledgement mail (procedure 001), in one transaction. Routing (an explicit group
    wins; then the routing rules; then the product's default group; else the triage queue)
    and dispatch (automatic assignment, the agent on duty) are decided first, then recorded
    with it once. The request's ``details`` are the facts the request form asks for; with
    ``ask_missing`` (by default for mail) its text is read for them and what it lacks is
    asked for by mail.
    """
    at = at or clock_now()
    requester, by = request.requester, request.opener
    subject = " ".join((request.subject or "").split())
    if not subject:
        raise ValidationError(_("The subject is empty."))
    body = require_body(request.body)
    channel, product, component = request.channel, request.product, request.component
    attachments = list(request.attachments)
    if channel not in Channel.values:
        raise ValidationError(_("Unknown channel."))
    if by.pk != requester.pk and not by.is_staff_member:
        raise PermissionDenied(_("Only the support team can open a ticket for someone else."))
    if component is not None and (product is None or component.product_id != product.pk):
        raise ValidationError(_("This component does not belong to the chosen product."))
    check_files(attachments)
    routing = dispatch.route(
        group=request.group,
        product=product,
        component=component,
        type=request.type,
        channel=channel,
        organisation_id=requester.organisation_id,
        mailbox=request.mailbox,
        subject=subject,
        body=body,
    )
    group = routing.group
    # Procedure 002: only the roles the organisation serves open tickets themselves;
    # procedure 000: the contract's monthly allowance. A follow-up of a closed request is
    # not a new request, and the team logging one for someone decides for itself. Both
    # raise an error that comptoir.admission.services.submit turns into a kept request.
    if request.linked_to is None:
        if not by.is_staff_member:
            eligibility.check(requester)
        quota.check(requester.organisation_id, at=at, by_staff=by.is_staff_member)
    # Procedure 002: the facts the request form asks for. Forms and the API must give the
    # required ones (the team logging a call decides for itself); a mail, or a contact form
    # (which asks only for a message), is read for them, and what it lacks is asked for in a
    # mail of its own.
    facts = requestforms.collect(
        product_id=product.pk if product else None,
        type=request.type,
        given=request.details,
        text=body,
        files=None if channel == Channel.API else len(attachments),
        from_mail=channel == Channel.EMAIL if request.ask_missing is None else request.ask_missing,
        enforce=not by.is_staff_member,
    )
    type, severity, priority, is_urgent = request.type, request.severity, request.priority, request.is_urgent
    acknowledge, followers = request.acknowledge, request.followers
    with transaction.atomic():
        # Decide first (who works it), then record once: the history is complete before the
        # clocks are derived from it.
        handed = dispatch.dispatch(
            routing,
            organisation_id=requester.organisation_id,
            product_id=product.pk if product else None,
            at=at,
        )
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
            assignee=handed.assignee,
            is_urgent=is_urgent,
            urgent_review=request.urgent_review,
            mailbox=request.mailbox,
            mail_thread_id=request.mail_thread_id[:255],
            linked_to=request.linked_to,
            details=facts.details,
            created_at=at,
            updated_at=at,
            status_since=at,
        )
        created = events.created(ticket, actor=by, at=at)
        new_events = [created]
        if routing.rule is not None and group is not None:
            new_events.append(events.routed(ticket, group=group, rule=routing.rule, at=at))
        if handed.assignee is not None:
            new_events.append(events.assigned(ticket, old=None, new=handed.assignee, actor=None, at=at))
        asked = acknowledge and bool(facts.missing)
        if asked:
            new_events.append(events.details_requested(ticket, [f.key for f in facts.missing], at=at))
        follow = [u for u in dict.fromkeys(followers) if u.pk != requester.pk]
        if follow:
            new_events.append(events.followers_added(ticket, follow, actor=None, at=at))
        store_new(ticket, new_events, at=at)
        message = Message.objects.create(
            ticket=ticket,
            author=by,
            kind=Message.Kind.PUBLIC,
            channel=channel,
            body_text=body,
            body_html=request.body_html,
            created_at=at,
        )
        if attachments:
            attach(ticket, message, attachments, at=at)
        if follow:
            ticket.followers.add(*follow)
        mails = [notifications.acknowledgement(ticket, at=at)] if acknowledge else []
        if asked:
            mails.append(notifications.details_needed(ticket, facts.missing, at=at))
        if handed.assignee is not None:
            mails.append(notifications.assigned_to_you(ticket, at=at))
        elif handed.tell is not None:
            mails.append(dispatch_mails.new_in_triage(ticket, to=handed.tell, at=at))
        mails += push.for_emergency(ticket, at=at)
        outbox.enqueue([m for m in mails if m])
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
            NewRequest(
                requester=requester,
                by=by,
                subject=subject,
                body=body,
                channel=Channel.PHONE,
                product=product,
                is_urgent=is_urgent,
                attachments=tuple(attachments or ()),
            ),
            at=called_at,
        )
        if notes.strip():
            add_note(ticket, by=by, body=notes, at=called_at)
    return ticket
