"""Feature requests (procedure 003: « les demandes d'évolution sont transmises au
responsable produit »): forwarded to the product owner or the product team, and several
requests asking for the same thing linked to one feature request."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.core.clock import now as clock_now
from comptoir.core.errors import InvalidTransition, ValidationError
from comptoir.tickets import events, lifecycle, notifications
from comptoir.tickets.models import Message, Ticket
from comptoir.tickets.permissions import check_can_work
from comptoir.tickets.services._common import lock, set_status_fields, store
from comptoir.tickets.vocabulary import Channel, TicketType

if TYPE_CHECKING:
    from comptoir.accounts.models import User


def forward_to_product(ticket: Ticket, *, by: User, note: str = "", at: datetime | None = None) -> Ticket:
    """Hand a feature request to its product's owner (a person) or product team (a group).

    The ticket joins the product team's group (and the owner's hands when the owner works in
    Comptoir), waits on that third party (``on_hold``: the support team's clocks stop), the
    owner or team is told by mail, and the requester learns it went to the product team. The
    agent's note, if any, stays internal."""
    at = at or clock_now()
    check_can_work(by, ticket)
    with transaction.atomic():
        ticket = lock(ticket)
        check_can_forward(ticket)
        product = ticket.product
        assert product is not None  # check_can_forward
        owner = product.owner if product.owner is not None and product.owner.is_active else None
        team = product.owner_group
        fields = ["forwarded_at", "updated_at"]
        old_group, old_assignee = ticket.group, ticket.assignee
        if team is not None and team.pk != ticket.group_id:
            ticket.group = team
            fields.append("group")
        new_assignee = owner if owner is not None and owner.is_staff_member else None
        if new_assignee is not None or team is not None:
            ticket.assignee = new_assignee
            fields.append("assignee")
        old_status = ticket.status
        if lifecycle.can_move(old_status, lifecycle.ON_HOLD):
            fields += set_status_fields(ticket, lifecycle.ON_HOLD, at)
        ticket.forwarded_at, ticket.updated_at = at, at
        recorded = [
            events.forwarded(
                ticket,
                owner=owner,
                old_group=old_group,
                new_group=ticket.group,
                old_assignee=old_assignee,
                new_assignee=ticket.assignee,
                actor=by,
                at=at,
            )
        ]
        if ticket.status != old_status:
            recorded.append(events.status_changed(ticket, old=old_status, new=ticket.status, actor=by, at=at))
        if note.strip():
            message = Message.objects.create(
                ticket=ticket,
                author=by,
                kind=Message.Kind.INTERNAL,
                channel=Channel.PORTAL,
                body_text=note.strip(),
                created_at=at,
            )
            recorded.append(events.note_added(ticket, message, actor=by, at=at))
        mails = [
            *notifications.forwarded_to_product_team(
                ticket, owner=owner, team=team, note=note.strip(), at=at
            ),
            notifications.forwarded_to_requester(ticket, at=at),
        ]
        store(ticket, fields, recorded, mails, at=at)
    return ticket


def check_can_forward(ticket: Ticket) -> None:
    if ticket.type != TicketType.FEATURE_REQUEST:
        raise ValidationError(_("Only feature requests go to the product team: requalify the ticket first."))
    if ticket.status in {lifecycle.RESOLVED, lifecycle.CLOSED}:
        raise InvalidTransition(_("This ticket is already resolved."))
    if ticket.forwarded_at is not None:
        raise InvalidTransition(_("This request has already been forwarded to the product team."))
    product = ticket.product
    if product is None:
        raise ValidationError(_("Choose the product first: its owner receives the request."))
    if product.owner_id is None and product.owner_group_id is None:
        raise ValidationError(
            _("The product “%(product)s” has no owner or product team yet: an administrator sets it.")
            % {"product": product.name}
        )


def link_to_feature(ticket: Ticket, *, feature: Ticket, by: User, at: datetime | None = None) -> Ticket:
    """Record that ``ticket`` asks for what the feature request ``feature`` asks, so the
    product team sees how many customers want it. A request linked to a request that is itself
    linked joins the first one (no chains). The requester is told their request was grouped
    with others asking for the same feature (without the other requests' numbers, which belong
    to other customers)."""
    at = at or clock_now()
    check_can_work(by, ticket)
    check_can_work(by, feature)
    # Re-read: the request named may have been linked since it was loaded.
    feature = Ticket.objects.get(pk=feature.pk)
    if feature.feature_id is not None:
        feature = Ticket.objects.get(pk=feature.feature_id)
    if feature.type != TicketType.FEATURE_REQUEST:
        raise ValidationError(_("%(ref)s is not a feature request.") % {"ref": feature.reference})
    if feature.pk == ticket.pk:
        raise ValidationError(_("A request cannot be linked to itself."))
    with transaction.atomic():
        ticket = lock(ticket)
        if ticket.feature_id == feature.pk:
            return ticket
        if ticket.supporting_requests.exists():
            raise ValidationError(
                _("Other requests are linked to this one: link them to %(ref)s instead.")
                % {"ref": feature.reference}
            )
        old = ticket.feature
        ticket.feature, ticket.updated_at = feature, at
        store(
            ticket,
            ["feature", "updated_at"],
            [events.linked(ticket, old=old, new=feature, actor=by, at=at)],
            [notifications.linked_to_feature(ticket, at=at)],
            at=at,
        )
    return ticket


def unlink_from_feature(ticket: Ticket, *, by: User, at: datetime | None = None) -> Ticket:
    at = at or clock_now()
    check_can_work(by, ticket)
    with transaction.atomic():
        ticket = lock(ticket)
        if ticket.feature_id is None:
            return ticket
        old = ticket.feature
        ticket.feature, ticket.updated_at = None, at
        store(
            ticket,
            ["feature", "updated_at"],
            [events.linked(ticket, old=old, new=None, actor=by, at=at)],
            at=at,
        )
    return ticket
