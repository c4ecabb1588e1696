"""Typed constructors, one per event kind. Services build events here (unsaved) and store
them with one ``bulk_create`` in their transaction; no call site builds a free-form dict.

Constructors take model instances and store references as ``{"id", "name"}``: the id is
what the history's readers follow (a renamed product or group is still the same one), the
name is what it was called then, for people reading the history."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models

from comptoir.tickets import history
from comptoir.tickets.models import Message, Ticket, TicketEvent

if TYPE_CHECKING:
    from collections.abc import Sequence

    from comptoir.accounts.models import User
    from comptoir.catalog.models import Group
    from comptoir.dispatch.routing import Rule
    from comptoir.outages.models import Outage

Kind = TicketEvent.Kind


def _event(
    ticket: Ticket,
    kind: str,
    *,
    actor: User | None,
    at: datetime,
    changes: dict[str, object] | None = None,
    reason: str = "",
    public: bool = True,
) -> TicketEvent:
    return TicketEvent(
        ticket=ticket,
        kind=kind,
        actor=actor,
        at=at,
        changes=changes or {},
        reason=reason,
        is_public=public,
    )


def as_change(event: TicketEvent) -> history.Change:
    """A stored (or about to be stored) event as the history's reader reads it."""
    return history.Change(
        at=event.at, kind=event.kind, changes=event.changes or {}, actor_id=event.actor_id, seq=event.pk or 0
    )


def created(ticket: Ticket, *, actor: User, at: datetime) -> TicketEvent:
    return _event(
        ticket,
        Kind.CREATED,
        actor=actor,
        at=at,
        changes={"channel": ticket.channel, "status": [None, ticket.status]},
    )


def details_requested(ticket: Ticket, keys: list[str], *, at: datetime) -> TicketEvent:
    """A mail asked the requester for the facts the request form requires."""
    return _event(ticket, Kind.DETAILS_REQUESTED, actor=None, at=at, changes={"fields": keys})


def outage_link(ticket: Ticket, *, outage: Outage, linked: bool, actor: User, at: datetime) -> TicketEvent:
    """The team tied the ticket to an outage (resolving the outage can answer it), or untied it."""
    return _event(
        ticket,
        Kind.OUTAGE_LINKED if linked else Kind.OUTAGE_UNLINKED,
        actor=actor,
        at=at,
        public=False,
        changes={"outage": outage.pk, "title": outage.title},
    )


def replied(ticket: Ticket, message: Message, *, actor: User, at: datetime) -> TicketEvent:
    team = actor.is_staff_member and actor.pk != ticket.requester_id
    by = history.BY_TEAM if team else history.BY_REQUESTER
    return _event(ticket, Kind.REPLIED, actor=actor, at=at, changes={"message": message.pk, "by": by})


def note_added(ticket: Ticket, message: Message, *, actor: User, at: datetime) -> TicketEvent:
    return _event(ticket, Kind.NOTE_ADDED, actor=actor, at=at, changes={"message": message.pk}, public=False)


def status_changed(
    ticket: Ticket, *, old: str, new: str, actor: User | None, at: datetime, reason: str = ""
) -> TicketEvent:
    return _event(
        ticket, Kind.STATUS_CHANGED, actor=actor, at=at, changes={"status": [old, new]}, reason=reason
    )


def assigned(
    ticket: Ticket, *, old: User | None, new: User | None, actor: User | None, at: datetime
) -> TicketEvent:
    """``actor`` None: Comptoir assigned it (a group's automatic assignment, the rota)."""
    return _event(
        ticket,
        Kind.ASSIGNED,
        actor=actor,
        at=at,
        public=False,
        changes={"assignee": [_user_ref(old), _user_ref(new)]},
    )


def taken(ticket: Ticket, *, actor: User, at: datetime) -> TicketEvent:
    return _event(ticket, Kind.TAKEN, actor=actor, at=at, changes={"assignee": [None, _user_ref(actor)]})


def requalified(
    ticket: Ticket, *, changes: dict[str, list[object]], actor: User, at: datetime, reason: str
) -> TicketEvent:
    """``changes``: field -> [old, new]; products and components are given as instances
    and stored as references."""
    stored: dict[str, object] = {
        name: [_ref(v) if isinstance(v, models.Model) else v for v in pair] for name, pair in changes.items()
    }
    return _event(ticket, Kind.REQUALIFIED, actor=actor, at=at, changes=stored, reason=reason)


def followers_added(
    ticket: Ticket, users: Sequence[User], *, actor: User | None, at: datetime
) -> TicketEvent:
    """People in copy of a mail (or added by the team) follow the ticket from now on."""
    return _event(
        ticket, Kind.FOLLOWERS_ADDED, actor=actor, at=at, public=False, changes={"followers": _refs(users)}
    )


def escalated(
    ticket: Ticket,
    *,
    old_group: Group | None,
    new_group: Group,
    actor: User,
    at: datetime,
    reason: str,
) -> TicketEvent:
    return _event(
        ticket,
        Kind.ESCALATED,
        actor=actor,
        at=at,
        reason=reason,
        public=False,
        changes={
            "group": [_group_ref(old_group), _group_ref(new_group)],
            "tier": [old_group.tier if old_group else None, new_group.tier],
        },
    )


def urgency_changed(
    ticket: Ticket, *, urgent: bool, priority: list[str], actor: User, at: datetime, reason: str
) -> TicketEvent:
    return _event(
        ticket,
        Kind.URGENCY_CONFIRMED if urgent else Kind.URGENCY_DOWNGRADED,
        actor=actor,
        at=at,
        reason=reason,
        changes={"is_urgent": [not urgent, urgent], "priority": priority},
    )


def reminder_sent(ticket: Ticket, *, number: int, at: datetime) -> TicketEvent:
    return _event(ticket, Kind.REMINDER_SENT, actor=None, at=at, changes={"reminder": number})


def sla_alert(
    ticket: Ticket, *, level: str, metric: str, due_at: datetime | None, at: datetime
) -> TicketEvent:
    kind = Kind.SLA_BREACHED if level == "breached" else Kind.SLA_WARNING
    return _event(
        ticket,
        kind,
        actor=None,
        at=at,
        public=False,
        changes={"metric": metric, "due_at": due_at.isoformat() if due_at else None},
    )


def forwarded(
    ticket: Ticket,
    *,
    owner: User | None,
    old_group: Group | None,
    new_group: Group | None,
    old_assignee: User | None,
    new_assignee: User | None,
    actor: User,
    at: datetime,
) -> TicketEvent:
    changes: dict[str, object] = {"owner": _user_ref(owner)}
    if _group_ref(old_group) != _group_ref(new_group):
        changes["group"] = [_group_ref(old_group), _group_ref(new_group)]
    if _user_ref(old_assignee) != _user_ref(new_assignee):
        changes["assignee"] = [_user_ref(old_assignee), _user_ref(new_assignee)]
    return _event(ticket, Kind.FORWARDED, actor=actor, at=at, changes=changes)


def linked(
    ticket: Ticket, *, old: Ticket | None, new: Ticket | None, actor: User, at: datetime
) -> TicketEvent:
    refs = [t.number if t else None for t in (old, new)]
    return _event(ticket, Kind.LINKED, actor=actor, at=at, public=False, changes={"feature": refs})


def routed(ticket: Ticket, *, group: Group, rule: Rule, at: datetime) -> TicketEvent:
    """A routing rule put the new ticket in ``group`` (Comptoir did: no actor)."""
    return _event(
        ticket,
        Kind.ROUTED,
        actor=None,
        at=at,
        public=False,
        reason=rule.name,
        changes={"group": [None, _group_ref(group)], "rule": {"id": rule.id, "name": rule.name}},
    )


def _user_ref(user: User | None) -> dict[str, object] | None:
    return None if user is None else {"id": user.pk, "name": user.display_name}


def _refs(users: Sequence[User]) -> list[dict[str, object] | None]:
    return [_user_ref(u) for u in users]


def _ref(instance: models.Model | None) -> dict[str, object] | None:
    return None if instance is None else {"id": instance.pk, "name": str(instance)}


def _group_ref(group: Group | None) -> dict[str, object] | None:
    return None if group is None else {"id": group.pk, "name": group.name}


def survey_sent(ticket: Ticket, *, survey_id: int, expires_at: datetime, at: datetime) -> TicketEvent:
    """Comptoir invited the requester to rate the resolution (procedure 003: 8 days)."""
    return _event(
        ticket,
        Kind.SURVEY_SENT,
        actor=None,
        at=at,
        changes={"survey": survey_id, "expires_at": expires_at.isoformat()},
    )


def survey_answered(
    ticket: Ticket, *, survey_id: int, rating: int, comment: str, actor: User, at: datetime
) -> TicketEvent:
    return _event(
        ticket,
        Kind.SURVEY_ANSWERED,
        actor=actor,
        at=at,
        changes={"survey": survey_id, "rating": rating, "comment": comment},
    )
