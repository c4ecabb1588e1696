"""Changing a ticket: each endpoint calls one service of ``comptoir.tickets.services``
(the same rules as the pages: who may, which moves, reasons required) and answers the
ticket as it now is. Write scope required."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, UploadedFile
from ninja import Status as Answer

from comptoir.accounts.models import User
from comptoir.api.errors import FieldError, TeamOnly
from comptoir.api.schemas import WRITE_ERRORS, In, Text
from comptoir.api.security import WRITE
from comptoir.api.ticket_schemas import MessageOut, TicketOut, message_out, ticket_out
from comptoir.api.vocabulary import Priority, Severity, TicketStatus, TicketType
from comptoir.catalog.models import Component, Group, Product
from comptoir.core.errors import NotFound, ValidationError
from comptoir.tickets import selectors, services
from comptoir.tickets.attachments import IncomingFile
from comptoir.tickets.models import Message, Ticket
from comptoir.tickets.vocabulary import Channel

router = Router(tags=["tickets"])


def _ticket(user: User, number: int) -> Ticket:
    return selectors.ticket_for(user, number, with_conversation=False)


def _fresh(user: User, ticket: Ticket) -> dict[str, Any]:
    """The ticket as the service left it (re-read with its relations)."""
    try:
        return ticket_out(selectors.ticket_for(user, ticket.number, with_conversation=False))
    except NotFound:  # e.g. handed over out of the agent's sight: answer what was written
        return ticket_out(Ticket.objects.select_related(*selectors.LIST_RELATED).get(pk=ticket.pk))


class StatusIn(In):
    status: TicketStatus
    reason: Text = ""


@router.post(
    "/{number}/status", response={200: TicketOut, **WRITE_ERRORS}, auth=WRITE, summary="Change status"
)
def change_status(request: HttpRequest, number: int, data: StatusIn) -> dict[str, Any]:
    """Along the ticket's life cycle; a requester may only resolve their request or reopen
    it. Resolution and closure are mailed to the requester."""
    user = request.auth
    ticket = services.change_status(_ticket(user, number), to=data.status, by=user, reason=data.reason)
    return _fresh(user, ticket)


class AssignIn(In):
    assignee: int | None = Field(description="A member of the support team, or null for nobody.")


@router.post("/{number}/assign", response={200: TicketOut, **WRITE_ERRORS}, auth=WRITE, summary="Assign")
def assign(request: HttpRequest, number: int, data: AssignIn) -> dict[str, Any]:
    user = request.auth
    to = None
    if data.assignee is not None:
        to = User.objects.filter(pk=data.assignee, is_active=True).first()
        if to is None:
            raise FieldError("assignee", _("No such agent."))
    ticket = services.assign(_ticket(user, number), to=to, by=user)
    return _fresh(user, ticket)


@router.post("/{number}/take", response={200: TicketOut, **WRITE_ERRORS}, auth=WRITE, summary="Take")
def take(request: HttpRequest, number: int) -> dict[str, Any]:
    """The calling agent picks the ticket up (refused if another agent holds it)."""
    user = request.auth
    ticket = services.take(_ticket(user, number), by=user)
    return _fresh(user, ticket)


class RequalifyIn(In):
    reason: Text = Field(min_length=1)
    type: TicketType | None = None
    severity: Severity | None = None
    priority: Priority | None = None
    product: int | None = Field(None, description="Give null to remove the product.")
    component: int | None = Field(None, description="Give null to remove the component.")


@router.post(
    "/{number}/requalify", response={200: TicketOut, **WRITE_ERRORS}, auth=WRITE, summary="Requalify"
)
def requalify(request: HttpRequest, number: int, data: RequalifyIn) -> dict[str, Any]:
    """Change the type, severity, priority, product or component (the fields given), with a
    reason. The requester is told when it changes what was promised."""
    user = request.auth
    given = data.model_fields_set
    changes: dict[str, Any] = {f: getattr(data, f) for f in ("type", "severity", "priority") if f in given}
    if any(v is None for v in changes.values()):
        raise ValidationError(_("Type, severity and priority cannot be empty."))
    if "product" in given:
        changes["product"] = None if data.product is None else _product(data.product)
    if "component" in given:
        changes["component"] = None if data.component is None else _component(data.component)
    ticket = services.requalify(_ticket(user, number), by=user, reason=data.reason, **changes)
    return _fresh(user, ticket)


def _product(pk: int) -> Product:
    product = Product.objects.filter(pk=pk).first()
    if product is None:
        raise FieldError("product", _("No such product."))
    return product


def _component(pk: int) -> Component:
    component = Component.objects.filter(pk=pk).first()
    if component is None:
        raise FieldError("component", _("No such component."))
    return component


class EscalateIn(In):
    reason: Text = Field(min_length=1)
    group: int | None = Field(
        None,
        description="Default: the group's escalation path for the ticket's organisation and "
        "product, else the only group of the next tier; when none decides, the answer is 400 "
        "and a group must be named.",
    )


@router.post("/{number}/escalate", response={200: TicketOut, **WRITE_ERRORS}, auth=WRITE, summary="Escalate")
def escalate(request: HttpRequest, number: int, data: EscalateIn) -> dict[str, Any]:
    """Hand the ticket to the next tier (reason required, kept as an internal note)."""
    user = request.auth
    group = None
    if data.group is not None:
        group = Group.objects.filter(pk=data.group).first()
        if group is None:
            raise FieldError("group", _("No such group."))
    ticket = services.escalate(_ticket(user, number), by=user, reason=data.reason, to_group=group)
    return _fresh(user, ticket)


class ReplyIn(In):
    body: Text = Field(min_length=1)
    status: TicketStatus | None = Field(
        None, description="Support team only: answer and change the status at once."
    )


@router.post(
    "/{number}/replies", response={201: MessageOut, **WRITE_ERRORS}, auth=WRITE, summary="Public reply"
)
def reply(request: HttpRequest, number: int, data: ReplyIn) -> Answer[dict[str, Any]]:
    """A public reply, mailed to the other side (procedure 001). A requester answers as on
    the portal: with a text only (``status`` is the team's)."""
    user = request.auth
    if data.status is not None and not user.is_staff_member:
        raise TeamOnly(["status"])
    ticket = _ticket(user, number)
    message = services.reply(ticket, by=user, body=data.body, channel=Channel.API, set_status=data.status)
    return Answer(201, _message(ticket, message))


class NoteIn(In):
    body: Text = Field(min_length=1)


@router.post(
    "/{number}/notes", response={201: MessageOut, **WRITE_ERRORS}, auth=WRITE, summary="Internal note"
)
def note(request: HttpRequest, number: int, data: NoteIn) -> Answer[dict[str, Any]]:
    """An internal note (support team only): the requester never sees it."""
    user = request.auth
    ticket = _ticket(user, number)
    message = services.add_note(ticket, by=user, body=data.body)
    return Answer(201, _message(ticket, message))


@router.post(
    "/{number}/attachments",
    response={201: MessageOut, **WRITE_ERRORS},
    auth=WRITE,
    summary="Send files",
)
def upload(
    request: HttpRequest,
    number: int,
    files: File[list[UploadedFile]],
    body: Text = Form(""),  # noqa: B008 (how django-ninja declares a form field)
) -> Answer[dict[str, Any]]:
    """Files (multipart, field ``files``, one or several) sent as a public reply whose
    text is ``body`` (default: the files' names)."""
    user = request.auth
    ticket = _ticket(user, number)
    incoming = [IncomingFile(f.name or "attachment", _read(f)) for f in files]
    if not incoming:
        raise ValidationError(_("No file was sent."))
    text = body.strip() or "\n".join(f.filename for f in incoming)
    message = services.reply(ticket, by=user, body=text, channel=Channel.API, attachments=incoming)
    return Answer(201, _message(ticket, message))


def _read(upload: UploadedFile) -> bytes:
    # One byte past the limit is enough for the service to refuse it with its message.
    return upload.read(settings.COMPTOIR_MAX_ATTACHMENT_BYTES + 1)


def _message(ticket: Ticket, message: Message) -> dict[str, Any]:
    message = Message.objects.select_related("author").prefetch_related("attachments").get(pk=message.pk)
    return message_out(ticket, message)
