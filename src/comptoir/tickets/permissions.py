"""Who may see and do what on tickets.

- requesters: their own tickets;
- organisation admins: their organisation's tickets;
- agents: their groups' tickets, unrouted tickets (the triage queue), tickets assigned
  to them, and the tickets they or their groups worked before an escalation (procedure
  000: L1 stays the parish's contact once L2 has the request);
- supervisors and administrators: every ticket.

Every page, form and API call goes through ``visible_tickets`` or ``check_*``: a ticket
the actor may not see is reported as not found, never as forbidden, so numbers cannot be
probed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from comptoir.core.errors import NotFound, PermissionDenied
from comptoir.tickets.models import Ticket

if TYPE_CHECKING:
    from comptoir.accounts.models import User

NOTHING = Q(pk__in=[])


def visibility(user: User) -> Q:
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    role = user.Role
    if user.role in {role.SUPERVISOR, role.ADMIN}:
        return Q()
    if user.role == role.AGENT:
        return (
            Q(group_id__in=user.group_ids)
            | Q(group__isnull=True)
            | Q(assignee_id=user.pk)
            | _worked_before(user, OuterRef("pk"))
        )
    if user.role == role.ORG_ADMIN and user.organisation_id:
        return Q(organisation_id=user.organisation_id)
    return Q(requester_id=user.pk)


def _worked_before(user: User, ticket: OuterRef | int) -> Q:
    """The ticket was in one of the agent's groups, or held or escalated by the agent,
    before an escalation. Subqueries, not joins: a ticket is listed once however many
    of these hold."""
    groups = Ticket.past_groups.through.objects.filter(ticket_id=ticket, group_id__in=user.group_ids)
    agents = Ticket.past_agents.through.objects.filter(ticket_id=ticket, user_id=user.pk)
    return Q(Exists(agents)) | Q(Exists(groups))


def can_view(user: User, ticket: Ticket) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    role = user.Role
    if user.role in {role.SUPERVISOR, role.ADMIN}:
        return True
    if user.role == role.AGENT:
        return (
            ticket.group_id is None
            or ticket.group_id in user.group_ids
            or ticket.assignee_id == user.pk
            or Ticket.objects.filter(_worked_before(user, ticket.pk), pk=ticket.pk).exists()
        )
    if user.role == role.ORG_ADMIN and user.organisation_id:
        return ticket.organisation_id == user.organisation_id
    return ticket.requester_id == user.pk


def check_can_view(user: User, ticket: Ticket) -> None:
    if not can_view(user, ticket):
        raise NotFound(_("No such ticket."))


def check_can_work(user: User, ticket: Ticket) -> None:
    """Agent work (notes, assignment, status, requalification, escalation)."""
    check_can_view(user, ticket)
    if not user.is_staff_member:
        raise PermissionDenied(_("Only the support team can do this."))


def check_can_reply(user: User, ticket: Ticket) -> None:
    check_can_view(user, ticket)
