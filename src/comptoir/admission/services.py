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
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.accounts import eligibility
from comptoir.accounts.contracts import organisation_quota
from comptoir.accounts.models import User
from comptoir.admission import notifications, selectors
from comptoir.admission.models import HeldFile, HeldRequest
from comptoir.core import outbox
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from comptoir.mail.models import InboundMail
from comptoir.tickets import services as tickets
from comptoir.tickets.attachments import IncomingFile, clean_filename
from comptoir.tickets.models import Ticket
from comptoir.tickets.new_request import NewRequest
from comptoir.tickets.vocabulary import Severity
from comptoir.workflow import quota

if TYPE_CHECKING:
    from comptoir.mail.models import InboundMail

HELD_ERRORS = (eligibility.NotEligible, quota.ApprovalRequired)


def submit(
    request: NewRequest, *, inbound: InboundMail | None = None, at: datetime | None = None
) -> Ticket | HeldRequest:
    """Open a ticket for ``request`` (``tickets.services.open_ticket``), or keep the request
    whole when the requester may not open one now: procedure 002 (only the roles the
    organisation serves; the others are told whom to contact) and procedure 000 (beyond
    the allowance, a supervisor approves). A request from mail (``inbound``) is answered
    by mail when ``request.acknowledge`` allows; a page shows ``HeldRequest.explanation``."""
    at = at or clock_now()
    try:
        return tickets.open_ticket(request, at=at)
    except HELD_ERRORS as exc:
        return hold(
            request,
            reason=exc.reason,
            explanation=exc.message,
            inbound=inbound,
            tell_by_mail=inbound is not None and request.acknowledge,
            at=at,
        )


def hold(
    request: NewRequest,
    *,
    reason: str,
    explanation: str,
    at: datetime,
    inbound: InboundMail | None = None,
    tell_by_mail: bool = False,
) -> HeldRequest:
    """Keep the request whole, files included, with what the person is told; when it came
    by mail, tell them by mail (procedure 002: "whom to contact"; procedure 000: "a
    supervisor approves"). The files were checked by ``open_ticket`` before it refused."""
    if reason not in HeldRequest.Reason.values:
        raise ValidationError(_("Unknown reason."))
    requester = request.requester
    with transaction.atomic():
        held = HeldRequest.objects.create(
            requester=requester,
            organisation_id=requester.organisation_id,
            subject=" ".join(request.subject.split())[:250],
            body=request.body.strip(),
            body_html=request.body_html,
            channel=request.channel,
            type=request.type,
            priority=request.priority,
            product=request.product,
            component=request.component,
            group=request.group,
            is_urgent=request.is_urgent,
            urgent_review=request.urgent_review,
            mailbox=request.mailbox,
            mail_thread_id=request.mail_thread_id[:255],
            inbound=inbound,
            details=dict(request.details),
            request=request.record(),
            reason=reason,
            explanation=explanation,
            received_at=at,
        )
        for f in request.attachments:
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


def held_request(held: HeldRequest) -> NewRequest:
    """The request as it was sent, whole, files included (to open it once approved)."""
    kept: dict[str, Any] = held.request or {}
    people = {u.pk: u for u in User.objects.filter(pk__in=[kept.get("by"), *kept.get("followers", [])])}
    linked = Ticket.objects.filter(pk=kept["linked_to"]).first() if kept.get("linked_to") else None
    return NewRequest(
        requester=held.requester,
        by=people.get(kept.get("by") or 0),
        subject=held.subject,
        body=held.body,
        body_html=held.body_html,
        channel=held.channel,
        type=held.type,
        severity=kept.get("severity", Severity.NORMAL),
        priority=held.priority,
        product=held.product,
        component=held.component,
        group=held.group,
        is_urgent=held.is_urgent,
        urgent_review=held.urgent_review,
        attachments=tuple(_files(held)),
        mailbox=held.mailbox,
        mail_thread_id=held.mail_thread_id,
        linked_to=linked,
        followers=tuple(people[pk] for pk in kept.get("followers", []) if pk in people),
        details=dict(held.details),
        acknowledge=kept.get("acknowledge", True),
        ask_missing=kept.get("ask_missing"),
    )


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
        # As of the time it was received, by the person who decided; its acknowledgement
        # is the approval mail below.
        request = held_request(held).but(by=by, acknowledge=False)
        ticket = tickets.open_ticket(request, at=held.received_at)
        what = (
            _("Request beyond the monthly allowance, approved.")
            if held.reason == HeldRequest.Reason.QUOTA_APPROVAL
            else _("Request from a role the organisation does not serve, accepted.")
        )
        tickets.add_note(ticket, by=by, body=f"{what}\n\n{note}" if note else what, at=at)
        held.ticket = ticket
        held.save(update_fields=["ticket"])
        if held.inbound_id:
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
