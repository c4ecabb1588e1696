"""The audit log of the configuration screens: who changed what, when, from what to what.

Every configuration service calls ``record_change`` inside the transaction of its change,
with a snapshot of the object before and after (plain JSON values: names and labels a
person can read, not ids). The settings index shows the latest changes with
``latest``. A new kind of object adds its label to ``KINDS``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.core.models import ConfigChange

KINDS = {
    "sla_policy": _("Service level"),
}


def record_change(
    *,
    by: Any,
    kind: str,
    what: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    at: datetime | None = None,
) -> ConfigChange:
    """Record one change (``before`` None: created; ``after`` None: deleted)."""
    return ConfigChange._default_manager.create(
        at=at or timezone.now(),
        by=by if getattr(by, "pk", None) else None,
        kind=kind,
        what=what[:200],
        before=before,
        after=after,
    )


def latest(limit: int = 20) -> QuerySet[ConfigChange]:
    return ConfigChange._default_manager.select_related("by").order_by("-at", "-pk")[:limit]


def kind_label(kind: str) -> str:
    return str(KINDS.get(kind, kind))
