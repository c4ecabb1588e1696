"""Tickets: list, open, read, SLA clocks, files. Everything goes through
``comptoir.tickets.selectors``: a ticket the caller may not see is "not found", like a
number that does not exist."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import StringConstraints

from comptoir.accounts.models import User
from comptoir.admission import services as admission
from comptoir.admission.models import HeldRequest
from comptoir.api import pagination, references
from comptoir.api.errors import FieldError, TeamOnly
from comptoir.api.schemas import READ_ERRORS, WRITE_ERRORS, Error, In, Text
from comptoir.api.security import READ, WRITE
from comptoir.api.ticket_schemas import (
    ClockOut,
    TicketDetail,
    TicketOut,
    TicketPage,
    clock_out,
    ticket_detail,
    ticket_out,
)
from comptoir.api.vocabulary import Priority, Severity, TicketStatus, TicketType, choices
from comptoir.catalog.models import Component, Product
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import NotFound
from comptoir.sla.display import clock_views
from comptoir.sla.models import SLAClock
from comptoir.tickets import selectors
from comptoir.tickets.models import Attachment, Message, Ticket
from comptoir.tickets.new_request import REQUESTER_CHOICES, NewRequest
from comptoir.tickets.vocabulary import Channel

router = Router(tags=["tickets"])

INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}


# An id, or ``none``; for the assignee, ``me`` too.
GroupFilter = Annotated[str, StringConstraints(pattern=r"^([0-9]{1,18}|none)$")]
AssigneeFilter = Annotated[str, StringConstraints(pattern=r"^([0-9]{1,18}|none|me)$")]
# Codes, one or several comma-separated: a label (``Urgente``) is refused with the list.
StatusFilter = choices(TicketStatus, "new,open")
PriorityFilter = choices(Priority, "urgent,high")
TypeFilter = choices(TicketType, "incident")


class TicketFilters(Schema):
    status: StatusFilter = None  # type: ignore[valid-type]
    priority: PriorityFilter = None  # type: ignore[valid-type]
    type: TypeFilter = None  # type: ignore[valid-type]
    product: int | None = None
    group: GroupFilter | None = Field(None, description="A group's id, or `none` (the triage queue).")
    assignee: AssigneeFilter | None = Field(None, description="A user's id, `me` or `none`.")
    organisation: int | None = None
    updated_since: datetime | None = Field(None, description="Changed at or after this time.")
    order: Literal["-updated", "updated"] = Field(
        "-updated", description="`-updated` (default) or `updated`."
    )
    cursor: Text | None = None
    limit: int = Field(pagination.DEFAULT_LIMIT, ge=1, le=pagination.MAX_LIMIT)


def _filtered(user: User, f: TicketFilters) -> QuerySet[Ticket]:
    # Only the two users are joined; the small tables are named from memory (see
    # ``references``): over a million tickets, PostgreSQL spends more time planning a
    # six-table join (15 ms) than running it, and under 1 ms planning this one.
    qs = selectors.visible_tickets(user).select_related("requester", "assignee")
    for key in ("status", "priority", "type"):
        codes = getattr(f, key)  # checked against the vocabulary (``choices``)
        if codes:
            qs = qs.filter(**{f"{key}__in": codes})
    if f.product is not None:
        qs = qs.filter(product_id=f.product)
    if f.organisation is not None:
        qs = qs.filter(organisation_id=f.organisation)
    if f.group:
        qs = qs.filter(group__isnull=True) if f.group == "none" else qs.filter(group_id=int(f.group))
    if f.assignee:
        if f.assignee == "none":
            qs = qs.filter(assignee__isnull=True)
        elif f.assignee == "me":
            qs = qs.filter(assignee_id=user.pk)
        else:
            qs = qs.filter(assignee_id=int(f.assignee))
    if f.updated_since is not None:
        since = f.updated_since if f.updated_since.tzinfo else f.updated_since.replace(tzinfo=UTC)
        try:
            since = since.astimezone(UTC)
        except OverflowError:
            raise FieldError("updated_since", _("This date is out of range.")) from None
        qs = qs.filter(updated_at__gte=since)
    return qs


@router.get("", response={200: TicketPage, **READ_ERRORS}, auth=READ, summary="Tickets one may see")
def list_tickets(request: HttpRequest, filters: Query[TicketFilters]) -> dict[str, Any]:
    """The tickets the caller may see (requester: their own; organisation admin: their
    organisation's; agent: their groups', the triage queue and their own; supervisor:
    all), most recently updated first, ``limit`` at a time (at most 100)."""
    rows, next_cursor = pagination.page(
        _filtered(request.auth, filters),
        field="updated_at",
        descending=filters.order == "-updated",
        cursor=filters.cursor,
        limit=filters.limit,
    )
    references.attach(rows)
    return pagination.items(rows, ticket_out, next_cursor)


DetailKey = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
DetailValue = Annotated[Text, StringConstraints(max_length=2000)]


class TicketIn(In):
    subject: Text = Field(min_length=1, max_length=250)
    body: Text = Field(min_length=1)
    type: TicketType = TicketType.QUESTION  # type: ignore[valid-type]
    product: int | None = None
    component: int | None = None
    is_urgent: bool = Field(False, description="Urgent: it blocks a customer (the priority becomes urgent).")
    details: dict[DetailKey, DetailValue] = Field(
        default_factory=dict,
        description="The facts the request form asks for, by key (see GET /api/v1/products/request-form).",
    )
    severity: Severity | None = Field(  # type: ignore[valid-type]
        None, description="Support team only (default: normal)."
    )
    priority: Priority | None = Field(  # type: ignore[valid-type]
        None, description="Support team only (default: normal; urgent with `is_urgent`)."
    )
    requester: int | None = Field(
        None, description="Support team only: the user this request is opened for (e.g. after a call)."
    )


def _team_only_fields(user: User, data: TicketIn) -> list[str]:
    """What a requester sent beyond what they choose on the portal (``REQUESTER_CHOICES``):
    the severity and the priority are the team's to set, a request is opened for oneself."""
    if user.is_staff_member:
        return []
    sent = {name: getattr(data, name) for name in data.model_fields_set}
    return sorted(
        name
        for name, value in sent.items()
        if name not in REQUESTER_CHOICES
        and value is not None
        and not (name == "requester" and value == user.pk)
    )


class Held(Error):
    """The request was not opened but kept: ``detail`` says why and whom to contact
    (``not_eligible``), or that a supervisor must approve it (``quota_approval``)."""

    held_request: int | None = None


@router.post(
    "",
    response={201: TicketOut, **WRITE_ERRORS, 403: Held},
    auth=WRITE,
    summary="Open a ticket",
)
def create_ticket(request: HttpRequest, data: TicketIn) -> Status[dict[str, Any]]:
    """Opens a ticket with channel ``api``: it has its number at once and the requester
    gets the acknowledgement mail. A requester chooses what the portal's form offers; the
    severity, the priority and whom it is for are the support team's (403 ``team_only``).
    Someone their organisation does not serve, or beyond the monthly allowance under the
    approval policy, gets 403 with the explanation (the request is kept for the team)."""
    user = request.auth
    refused = _team_only_fields(user, data)
    if refused:
        raise TeamOnly(refused)
    requester = user
    if data.requester is not None and data.requester != user.pk:
        requester = User.objects.filter(pk=data.requester, is_active=True).first()
        if requester is None:
            raise FieldError("requester", _("No such requester."))
    product = component = None
    if data.product is not None:
        # The default group comes along: routing reads it (as the portal's form loads it).
        product = (
            Product.objects.select_related("default_group").filter(pk=data.product, is_active=True).first()
        )
        if product is None:
            raise FieldError("product", _("No such product."))
    if data.component is not None:
        component = Component.objects.filter(pk=data.component).first()
        if component is None:
            raise FieldError("component", _("No such component."))
    new = NewRequest(
        requester=requester,
        by=user,
        subject=data.subject,
        body=data.body,
        channel=Channel.API,
        type=data.type,
        severity=data.severity or Severity.NORMAL,
        priority=data.priority or Priority.NORMAL,
        product=product,
        component=component,
        is_urgent=data.is_urgent,
        details=data.details,
    )
    result = admission.submit(new)
    if isinstance(result, HeldRequest):
        return Status(403, {"detail": result.explanation, "code": result.reason, "held_request": result.pk})
    if result.organisation_id == requester.organisation_id:
        result.organisation = requester.organisation  # loaded with the token: no query for the answer
    return Status(201, ticket_out(result))


@router.get("/{number}", response={200: TicketDetail, **READ_ERRORS}, auth=READ, summary="One ticket")
def read_ticket(request: HttpRequest, number: int) -> dict[str, Any]:
    """The ticket with its conversation and history. Requesters never get internal notes
    nor the team's internal events."""
    return ticket_detail(selectors.ticket_for(request.auth, number))


@router.get("/{number}/sla", response={200: list[ClockOut], **READ_ERRORS}, auth=READ, summary="SLA clocks")
def ticket_sla(request: HttpRequest, number: int) -> list[dict[str, Any]]:
    """The ticket's SLA clocks, the current ones first, with the business time left now.
    Requesters get the current clocks their contract promises them."""
    user = request.auth
    ticket = _with_clocks(user, number)
    views = clock_views(ticket, now=clock_now())
    if not user.is_staff_member:
        views = [v for v in views if v.show_to_requester and v.segment_is_current]
    return [clock_out(v) for v in views]


def _with_clocks(user: User, number: int) -> Ticket:
    ticket = (
        selectors.visible_tickets(user)
        .prefetch_related(Prefetch("clocks", queryset=SLAClock.objects.select_related("policy")))
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise NotFound(_("No such ticket."))
    return ticket


@router.get(
    "/{number}/attachments/{attachment_id}",
    response={200: None, **READ_ERRORS},
    auth=READ,
    url_name="ticket_attachment",
    summary="Download a file",
    openapi_extra={
        "responses": {200: {"description": "The file", "content": {"application/octet-stream": {}}}}
    },
)
def download_attachment(request: HttpRequest, number: int, attachment_id: int) -> FileResponse:
    """A file of a message the caller may see (a requester: not of an internal note)."""
    user = request.auth
    ticket = selectors.ticket_for(user, number, with_conversation=False)
    files = Attachment.objects.filter(pk=attachment_id, ticket=ticket)
    if not user.is_staff_member:
        files = files.filter(message__kind=Message.Kind.PUBLIC)
    item = files.first()
    if item is None:
        raise NotFound(_("No such file."))
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=item.content_type not in INLINE_TYPES,
        filename=item.filename,
        content_type=item.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
