"""Keeping requests that may not become tickets at once, and the team's decisions on them.

Every edge (portal, mail, help button, API) opens tickets through ``submit``: it is
``open_ticket``, except that a request refused for the requester's role (procedure 002) or
beyond the monthly allowance under the "approval" policy (procedure 000) is kept as a
``HeldRequest`` with what to tell the person, instead of being lost.

Decision on the time of an approved request: the ticket keeps the time the request was
received (``created_at``, the month it counts in, and the SLA clocks, which procedure 000
counts "from its submission"): the requester has waited since then, and a slow approval
shows in the statistics instead of hiding.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.accounts import eligibility
from comptoir.admission import notifications, selectors
from comptoir.admission.models import HeldFile, HeldRequest
from comptoir.core import outbox
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from comptoir.sla.policies import organisation_quota
from comptoir.tickets import services as tickets
from comptoir.tickets.attachments import IncomingFile, clean_filename
from comptoir.tickets.models import Ticket
from comptoir.tickets.vocabulary import Priority, Severity, TicketType
from comptoir.workflow import quota

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.catalog.models import Component, Group, Product
    from comptoir.mail.models import InboundMail, Mailbox

HELD_ERRORS = (eligibility.NotEligible, quota.ApprovalRequired)


def submit(
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
    inbound: InboundMail | None = None,
    details: Mapping[str, str] | None = None,
    ask_missing: bool | None = None,
    at: datetime | None = None,
) -> Ticket | HeldRequest:
    """Open a ticket (``tickets.services.open_ticket``, same arguments), or keep the
    request when the requester may not open one now: procedure 002 (only the roles the
    organisation serves; the others are told whom to contact) and procedure 000 (beyond
    the allowance, a supervisor approves). A request from mail (``inbound``) is answered
    by mail when ``acknowledge`` allows; a page shows ``HeldRequest.explanation``."""
    at = at or clock_now()
    try:
        return tickets.open_ticket(
            requester=requester,
            subject=subject,
            body=body,
            channel=channel,
            by=by,
            type=type,
            severity=severity,
            priority=priority,
            product=product,
            component=component,
            group=group,
            is_urgent=is_urgent,
            body_html=body_html,
            attachments=attachments,
            mailbox=mailbox,
            mail_thread_id=mail_thread_id,
            urgent_review=urgent_review,
            linked_to=linked_to,
            followers=followers,
            acknowledge=acknowledge,
            details=details,
            ask_missing=ask_missing,
            at=at,
        )
    except HELD_ERRORS as exc:
        return hold(
            requester=requester,
            reason=exc.reason,
            explanation=exc.message,
            subject=subject,
            body=body,
            channel=channel,
            type=type,
            priority=priority,
            product=product,
            component=component,
            group=group,
            is_urgent=is_urgent,
            urgent_review=urgent_review,
            body_html=body_html,
            attachments=attachments or [],
            mailbox=mailbox,
            mail_thread_id=mail_thread_id,
            inbound=inbound,
            tell_by_mail=inbound is not None and acknowledge,
            details=details,
            at=at,
        )


def hold(
    *,
    requester: User,
    reason: str,
    explanation: str,
    subject: str,
    body: str,
    channel: str,
    at: datetime,
    type: str = TicketType.QUESTION,
    priority: str = Priority.NORMAL,
    product: Product | None = None,
    component: Component | None = None,
    group: Group | None = None,
    is_urgent: bool = False,
    urgent_review: bool = False,
    body_html: str = "",
    attachments: Sequence[IncomingFile] = (),
    mailbox: Mailbox | None = None,
    mail_thread_id: str = "",
    inbound: InboundMail | None = None,
    tell_by_mail: bool = False,
    details: Mapping[str, str] | None = None,
) -> HeldRequest:
    """Keep what was sent, files included, with what the person is told; when it came by
    mail, tell them by mail (procedure 002: "whom to contact"; procedure 000: "a supervisor
    approves"). The files were checked by ``open_ticket`` before it refused."""
    if reason not in HeldRequest.Reason.values:
        raise ValidationError(_("Unknown reason."))
    with transaction.atomic():
        held = HeldRequest.objects.create(
            requester=requester,
            organisation_id=requester.organisation_id,
            subject=" ".join(subject.split())[:250],
            body=body.strip(),
            body_html=body_html,
            channel=channel,
            type=type,
            priority=priority,
            product=product,
            component=component,
            group=group,
            is_urgent=is_urgent,
            urgent_review=urgent_review,
            mailbox=mailbox,
            mail_thread_id=mail_thread_id[:255],
            inbound=inbound,
            details=dict(details or {}),
            reason=reason,
            explanation=explanation,
            received_at=at,
        )
        for f in attachments:
            _keep_file(held, f)
        if tell_by_mail:
            contract = organisation_quota(requester.organisation_id)
            rule = eligibility.rule_for(requester.organisation_id)
            outbox.enqueue(
                [
                    m
                    for m in [
                        notifications.held(
                            held,
                            allowance=contract[0] if contract else None,
                            contact=rule.contact if rule else "",
                            at=at,
                        )
                    ]
                    if m
                ]
            )
        transaction.on_commit(selectors.forget)
    return held


def _keep_file(held: HeldRequest, incoming: IncomingFile) -> HeldFile:
    digest = hashlib.sha256(incoming.content).hexdigest()
    name = clean_filename(incoming.filename)
    kept = HeldFile(held=held, filename=name, size=len(incoming.content), sha256=digest)
    kept.file.save(name, ContentFile(incoming.content), save=False)
    kept.save(force_insert=True)
    return kept


def _files(held: HeldRequest) -> list[IncomingFile]:
    files = []
    for kept in held.files.all():
        with kept.file.open("rb") as f:
            files.append(IncomingFile(kept.filename, f.read()))
    return files


def check_can_decide(by: User, held: HeldRequest) -> None:
    """Supervisors and administrators decide on requests beyond the allowance; any agent
    reviews those of people their organisation does not serve. Others do not see them."""
    if not by.is_authenticated or not by.is_staff_member:
        raise NotFound(_("No such request."))
    if not selectors.can_decide(by, held):
        raise PermissionDenied(_("Only a supervisor can approve a request beyond the monthly allowance."))


def _claim(held: HeldRequest, *, state: str, by: User, at: datetime, note: str) -> None:
    """Record the decision if nobody made one first. A conditional UPDATE rather than a
    read-then-write: two supervisors approving at once would otherwise open two tickets
    (the second UPDATE waits for the first's commit, then matches no row)."""
    claimed = HeldRequest.objects.filter(pk=held.pk, state=HeldRequest.State.HELD).update(
        state=state, decided_by=by, decided_at=at, decision_note=note
    )
    if not claimed:
        raise InvalidTransition(_("This request has already been decided."))
    held.state, held.decided_by, held.decided_at, held.decision_note = state, by, at, note


def approve(held: HeldRequest, *, by: User, note: str = "", at: datetime | None = None) -> Ticket:
    """Procedure 000: a supervisor lets a request beyond the allowance through (an agent,
    one from someone their organisation does not serve). The ticket opens as of the time
    the request was received, with its files; the approval is an internal note on it and
    the requester gets the number by mail."""
    check_can_decide(by, held)
    at = at or clock_now()
    note = (note or "").strip()
    with transaction.atomic():
        _claim(held, state=HeldRequest.State.APPROVED, by=by, at=at, note=note)
        ticket = tickets.open_ticket(
            requester=held.requester,
            by=by,
            subject=held.subject,
            body=held.body,
            body_html=held.body_html,
            channel=held.channel,
            type=held.type,
            priority=held.priority,
            product=held.product,
            component=held.component,
            group=held.group,
            is_urgent=held.is_urgent,
            urgent_review=held.urgent_review,
            attachments=_files(held),
            mailbox=held.mailbox,
            mail_thread_id=held.mail_thread_id,
            acknowledge=False,
            details=held.details,
            at=held.received_at,
        )
        what = (
            _("Request beyond the monthly allowance, approved.")
            if held.reason == HeldRequest.Reason.QUOTA_APPROVAL
            else _("Request from a role the organisation does not serve, accepted.")
        )
        tickets.add_note(ticket, by=by, body=f"{what}\n\n{note}" if note else what, at=at)
        held.ticket = ticket
        held.save(update_fields=["ticket"])
        if held.inbound_id:
            from comptoir.mail.models import InboundMail

            InboundMail.objects.filter(pk=held.inbound_id).update(ticket=ticket)
        outbox.enqueue([m for m in [notifications.approved(held, ticket, at=at)] if m])
        transaction.on_commit(selectors.forget)
    return ticket


def refuse(held: HeldRequest, *, by: User, reason: str, at: datetime | None = None) -> None:
    """The request is not opened; the requester is told why by mail (a person decided:
    they may answer)."""
    check_can_decide(by, held)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Please say why: the requester will read it."))
    at = at or clock_now()
    with transaction.atomic():
        _claim(held, state=HeldRequest.State.REFUSED, by=by, at=at, note=reason)
        outbox.enqueue([m for m in [notifications.refused(held, at=at)] if m])
        transaction.on_commit(selectors.forget)


def dismiss(held: HeldRequest, *, by: User, note: str = "", at: datetime | None = None) -> None:
    """Filed without a ticket and without a further mail (spam, a duplicate, or settled
    otherwise): the requester was told when it was kept."""
    check_can_decide(by, held)
    at = at or clock_now()
    with transaction.atomic():
        _claim(held, state=HeldRequest.State.DISMISSED, by=by, at=at, note=(note or "").strip())
        transaction.on_commit(selectors.forget)
