"""Where a ticket is escalated when the agent names no group: a decision read from the
catalogue, never a guess.

1. the group's escalation path for the ticket's organisation and product, the most
   specific first: organisation and product, then organisation, then product;
2. the group's own ``escalates_to``;
3. the only group of the next tier, when there is exactly one.

Otherwise there is no answer (``None``) and the agent chooses. ``tickets.services.escalate``
records the decision; the desk's ticket page offers it first.
"""

from __future__ import annotations

from django.db.models import Q

from comptoir.accounts.models import Tier
from comptoir.catalog.models import EscalationPath, Group

_TIERS: list[str] = list(Tier.values)


def next_tier(group: Group | None) -> str | None:
    """The tier above the group's (a ticket in no group yet is at the first tier); None
    at the top."""
    index = _TIERS.index(group.tier) if group is not None else 0
    return _TIERS[index + 1] if index + 1 < len(_TIERS) else None


def _specificity(path: EscalationPath) -> int:
    return 2 * (path.organisation_id is not None) + (path.product_id is not None)


def escalation_target(
    group: Group | None, *, product_id: int | None, organisation_id: int | None
) -> Group | None:
    """The group a ticket of ``group`` about ``product_id`` from ``organisation_id`` goes
    to when escalated, or None when nothing decides it. Two queries at most."""
    if group is not None:
        # ``organisation_id=None`` reads as IS NULL: a ticket without an organisation (or
        # a product) matches only the paths that name none.
        paths = EscalationPath.objects.filter(
            Q(organisation_id=organisation_id) | Q(organisation__isnull=True),
            Q(product_id=product_id) | Q(product__isnull=True),
            group=group,
        ).select_related("to_group")
        best = max(paths, key=_specificity, default=None)
        if best is not None:
            return best.to_group
        if group.escalates_to_id is not None:
            return Group.objects.filter(pk=group.escalates_to_id).first()
    tier = next_tier(group)
    if tier is None:
        return None
    at_next_tier = list(Group.objects.filter(tier=tier).order_by("pk")[:2])
    return at_next_tier[0] if len(at_next_tier) == 1 else None
