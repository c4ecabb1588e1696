"""Who may open tickets (procedure 002: "the support is offered to site editors and content
owners; if you are neither, contact your communication department").

Each organisation lists the roles of its accounts that may open tickets
(``Organisation.eligible_roles``, empty: everyone) and whom others should contact
(``support_contact``). The rules are read on every new ticket, so they are kept in memory
(``comptoir.core.cache``) like the SLA catalogue (``reset()`` drops them; the admin does on save):
no query for the organisations that serve everyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from comptoir.core.cache import ProcessCache
from comptoir.core.errors import PermissionDenied

if TYPE_CHECKING:
    from comptoir.accounts.models import User


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    contact: str


class NotEligible(PermissionDenied):
    """The requester's role in their organisation does not allow opening tickets. The
    message says whom to contact; what they sent is kept for an agent to review."""

    reason = "not_eligible"

    def __init__(self, message: object, *, contact: str) -> None:
        super().__init__(message)
        self.contact = contact


def reset() -> None:
    _rules_cache.forget()


def _load_rules() -> dict[int, Rule]:
    from comptoir.accounts.models import Organisation

    rows = Organisation.objects.exclude(eligible_roles=[]).values_list(
        "pk", "eligible_roles", "support_contact"
    )
    return {pk: Rule(frozenset(roles or ()), contact) for pk, roles, contact in rows if roles}


_rules_cache: ProcessCache[dict[int, Rule]] = ProcessCache(_load_rules)


def _rules() -> dict[int, Rule]:
    return _rules_cache.get()


def rule_for(organisation_id: int | None) -> Rule | None:
    """The organisation's restriction, or None when everyone in it may open tickets."""
    if organisation_id is None:
        return None
    return _rules().get(organisation_id)


def may_open_tickets(user: User) -> bool:
    rule = rule_for(user.organisation_id)
    return rule is None or user.org_role in rule.roles


def explanation(rule: Rule) -> str:
    """What the person reads: who is served, and whom to contact instead."""
    from comptoir.accounts.models import User

    roles = ", ".join(str(label) for value, label in User.OrgRole.choices if value in rule.roles)
    text = _(
        "Support requests can be opened by these roles in your organisation: %(roles)s. "
        "Your account does not have one of them."
    ) % {"roles": roles}
    contact = rule.contact.strip()
    if contact:
        return text + " " + _("Please contact: %(contact)s") % {"contact": contact}
    return text + " " + _("Please contact the person who manages your organisation's accounts.")


def check(requester: User) -> None:
    """Procedure 002: before a new ticket opened by the requester themself (the support
    team logging a call for someone decides for itself and is not checked)."""
    rule = rule_for(requester.organisation_id)
    if rule is not None and requester.org_role not in rule.roles:
        raise NotEligible(explanation(rule), contact=rule.contact)


def refusal_for(user: User) -> str:
    """What the portal shows instead of the new-request form ("" when they may open
    requests): the team is never restricted."""
    if user.is_staff_member:
        return ""
    rule = rule_for(user.organisation_id)
    if rule is None or user.org_role in rule.roles:
        return ""
    return explanation(rule)
