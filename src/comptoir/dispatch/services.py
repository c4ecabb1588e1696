"""Where a new ticket goes and who works it — decisions that ``open_ticket`` records (this
module writes no ticket and no event); who is on duty now and next, for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count

from comptoir.accounts.models import User
from comptoir.catalog.models import Group
from comptoir.dispatch.catalogue import RotaInfo, catalogue
from comptoir.dispatch.models import AssignmentCursor, Rota
from comptoir.dispatch.rotation import Duty, next_on_duty, on_duty
from comptoir.dispatch.routing import NewTicket, Rule, first_match
from comptoir.tickets import history
from comptoir.tickets.models import Ticket

if TYPE_CHECKING:
    from comptoir.catalog.models import Component, Product
    from comptoir.mail.models import Mailbox

STAFF_ROLES = (User.Role.AGENT, User.Role.SUPERVISOR, User.Role.ADMIN)


@dataclass(frozen=True)
class Routing:
    """The group a new ticket goes to (None: the triage queue) and the rule that chose it."""

    group: Group | None
    rule: Rule | None = None


def route(
    *,
    group: Group | None,
    product: Product | None,
    component: Component | None,
    type: str,
    channel: str,
    organisation_id: int | None,
    mailbox: Mailbox | None,
    subject: str,
    body: str,
) -> Routing:
    """Procedure 003: requests are grouped by product and component and handed to whoever
    is best placed to answer. A group given by the caller wins (an agent's choice, a
    mailbox's default group); then the first matching routing rule; then the product's
    default group; else the triage queue, where the agent on duty sorts them out.
    The rules come from the per-process catalogue: no query unless a rule matches."""
    if group is not None:
        return Routing(group)
    rules = catalogue().rules
    if rules:
        rule = first_match(
            rules,
            NewTicket(
                product_id=product.pk if product else None,
                component_id=component.pk if component else None,
                type=type,
                organisation_id=organisation_id,
                channel=channel,
                mailbox_id=mailbox.pk if mailbox else None,
                subject=subject,
                body=body,
            ),
        )
        if rule is not None:
            return Routing(Group.objects.get(pk=rule.group_id), rule)
    if product is not None and product.default_group_id:
        return Routing(product.default_group)
    return Routing(None)


@dataclass(frozen=True)
class Dispatch:
    """Who a new ticket goes to, decided before it is recorded: ``assignee`` (an automatic
    assignment: it hands the ticket over, it is not a pick-up), or ``tell`` (the agent on
    duty, told by mail of a ticket in the triage queue without being given it)."""

    assignee: User | None = None
    tell: User | None = None


def dispatch(
    routing: Routing, *, organisation_id: int | None, product_id: int | None, at: datetime
) -> Dispatch:
    """Procedures 000 and 003: who works a new ticket, decided before it is recorded:

    - in a group with automatic assignment, an available member (round robin or least
      loaded);
    - in the triage queue, the agent on duty (procedure 003: the person on duty analyses the
      requests and passes them on), given the ticket or only told by mail, as their rota says.

    Locks the group's assignment cursor (see ``pick_agent``): call it inside the
    transaction that records the ticket."""
    group = routing.group
    if group is not None:
        if group.assignment != Group.Assignment.MANUAL:
            agent = pick_agent(group)
            if agent is not None:
                return Dispatch(assignee=agent)
        return Dispatch()
    rota = catalogue().triage_rota(organisation_id=organisation_id, product_id=product_id)
    if rota is None or rota.triage_action == Rota.TriageAction.NOTHING:
        return Dispatch()
    agent = _on_duty_agent(rota, at)
    if agent is None:
        return Dispatch()
    if rota.triage_action == Rota.TriageAction.ASSIGN:
        return Dispatch(assignee=agent)
    return Dispatch(tell=agent)


def _on_duty_agent(rota: RotaInfo, at: datetime) -> User | None:
    user_id = on_duty(rota.rotation, at).user_id
    if user_id is None:
        return None
    return User.objects.filter(pk=user_id, is_active=True, role__in=STAFF_ROLES).first()


def pick_agent(group: Group) -> User | None:
    """The member of ``group`` who gets its next ticket, among its active and available
    agents (in the order of their accounts):

    - round robin: the one after the agent chosen last time;
    - least loaded: the one with the fewest unresolved tickets; on a tie, the first in
      round-robin order.

    Lock: the group's ``AssignmentCursor`` row, FOR UPDATE, held until the caller's
    transaction commits. Without it, two tickets created at the same moment (two web
    processes) would read the same "last agent" (or the same loads) and both go to the
    same agent; with it they are assigned one after the other."""
    cursor = _locked_cursor(group.pk)
    agents = list(
        User.objects.filter(
            support_groups=group, is_active=True, is_available=True, role__in=STAFF_ROLES
        ).order_by("pk")
    )
    if not agents:
        return None
    last = cursor.last_user_id
    after = [a for a in agents if last is not None and a.pk > last]
    order = after + [a for a in agents if a not in after]
    if group.assignment == Group.Assignment.LEAST_LOADED:
        loads = dict(
            Ticket.objects.filter(assignee__in=agents)
            .exclude(status__in=history.DONE)
            .values("assignee_id")
            .annotate(n=Count("pk"))
            .values_list("assignee_id", "n")
        )
        chosen = min(order, key=lambda a: loads.get(a.pk, 0))
    else:
        chosen = order[0]
    AssignmentCursor.objects.filter(pk=group.pk).update(last_user=chosen)
    return chosen


def _locked_cursor(group_id: int) -> AssignmentCursor:
    # Ordered by primary key like every lock taken here (one row, but the rule holds).
    cursor = AssignmentCursor.objects.select_for_update().filter(pk=group_id).order_by("pk").first()
    if cursor is None:
        # The group's first automatic assignment: create the row (a concurrent creator
        # makes this a no-op), then lock it like any other time.
        AssignmentCursor.objects.bulk_create([AssignmentCursor(group_id=group_id)], ignore_conflicts=True)
        cursor = AssignmentCursor.objects.select_for_update().get(pk=group_id)
    return cursor


@dataclass(frozen=True)
class DutyNow:
    """A rota as agents, the API and the portal read it at one instant."""

    rota: RotaInfo
    now: Duty
    next: Duty | None
    now_user: User | None
    next_user: User | None
    line_open: bool | None  # None: the rota has no hours


def duty_board(*, at: datetime) -> list[DutyNow]:
    """Who is on duty (triage, hotline) and on call (emergency line) now, and next: one
    query for the agents' names, the rotas come from the per-process catalogue."""
    rotas = catalogue().rotas
    states = [(rota, on_duty(rota.rotation, at), next_on_duty(rota.rotation, at)) for rota in rotas]
    ids = {d.user_id for _rota, now, nxt in states for d in (now, nxt) if d and d.user_id}
    users = {u.pk: u for u in User.objects.filter(pk__in=ids)} if ids else {}
    return [
        DutyNow(
            rota=rota,
            now=now,
            next=nxt,
            now_user=users.get(now.user_id or 0),
            next_user=users.get(nxt.user_id or 0) if nxt else None,
            line_open=rota.calendar.is_open(at) if rota.calendar else None,
        )
        for rota, now, nxt in states
    ]
