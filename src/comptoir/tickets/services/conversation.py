"""Public replies and internal notes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.core.clock import now as clock_now
from comptoir.core.errors import InvalidTransition
from comptoir.push import services as push
from comptoir.satisfaction import services as satisfaction
from comptoir.tickets import events, lifecycle, notifications
from comptoir.tickets.attachments import IncomingFile, attach, check_files
from comptoir.tickets.models import Message, Ticket
from comptoir.tickets.permissions import check_can_reply, check_can_work
from comptoir.tickets.services._common import lock, require_body, set_status_fields, store

if TYPE_CHECKING:
    from comptoir.accounts.models import User


def reply(
    ticket: Ticket,
    *,
    by: User,
    body: str,
    channel: str = "portal",
    body_html: str = "",
    set_status: str | None = None,
    attachments: list[IncomingFile] | None = None,
    at: datetime | None = None,
) -> Message:
    """A public reply. From an agent: a new ticket becomes open, the first response is
    recorded and the requester gets the answer by mail (procedure 001); ``set_status``
    lets the agent answer and wait on the requester in one step. From the requester: a
    ticket waiting on them, or resolved, is open again (procedure 002: a reply before
    closure reopens it). A closed ticket takes no reply: open a new one."""
    at = at or clock_now()
    body = require_body(body)
    check_can_reply(by, ticket)
    check_files(attachments or [], ticket)
    with transaction.atomic():
        ticket = lock(ticket)
        if ticket.status == lifecycle.CLOSED:
            raise InvalidTransition(_("This request is closed. Please open a new request."))
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
        old = ticket.status
        fields = ["updated_at"]
        ticket.updated_at = at
        evts = [events.replied(ticket, message, actor=by, at=at)]
        mails = []
        invitation = None
        if by.is_staff_member and by.pk != ticket.requester_id:
            new = lifecycle.after_agent_reply(old)
            if set_status and set_status != new:
                if not lifecycle.can_move(new, set_status):
                    raise InvalidTransition(_("This status change is not allowed."))
                new = set_status
            # Answer and resolve in one step: the answer's mail carries the invitation to
            # rate the resolution (procedure 003), instead of a second mail.
            invitation = satisfaction.invite(ticket, at=at) if new == lifecycle.RESOLVED != old else None
            answer = notifications.agent_replied(ticket, message, at=at, invitation=invitation)
            # The requester's devices that opted in get the mail's text as a notification.
            mails += [answer, *push.for_requester(ticket, answer, at=at)]
        else:
            new = lifecycle.after_requester_reply(old)
            mails.append(notifications.requester_replied(ticket, message, at=at))
        if new != old:
            fields += set_status_fields(ticket, new, at)
            evts.append(events.status_changed(ticket, old=old, new=new, actor=by, at=at))
            mails += notifications.resolved_for_past_workers(ticket, by=by, at=at, message=message)
        if invitation is not None:
            evts.append(invitation.event)
        store(ticket, fields, evts, mails, at=at)
    return message


def add_note(ticket: Ticket, *, by: User, body: str, at: datetime | None = None) -> Message:
    """An internal note: the support team sees it, the requester never does."""
    at = at or clock_now()
    body = require_body(body)
    check_can_work(by, ticket)
    with transaction.atomic():
        ticket = lock(ticket)
        message = Message.objects.create(
            ticket=ticket,
            author=by,
            kind=Message.Kind.INTERNAL,
            channel="portal",
            body_text=body,
            created_at=at,
        )
        ticket.updated_at = at
        store(ticket, ["updated_at"], [events.note_added(ticket, message, actor=by, at=at)], at=at)
    return message
