"""The audit log of the configuration screens: who changed what, when, from what to what.

Every configuration service calls ``record_change`` inside the transaction of its change,
with a snapshot of the object before and after (plain JSON values: names and labels a
person can read, not ids). The settings index shows the latest changes with
``latest``. A new kind of object adds its label to ``KINDS``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.core.models import ConfigChange


@dataclass(frozen=True)
class Kind:
    """How the log shows one kind of object: its name, the label of each snapshot key, and
    how a value is written for a reader (codes as labels, durations as said)."""

    label: Any
    fields: Mapping[str, Any]
    show: Callable[[str, Any], str] | None = None


KINDS: dict[str, Kind] = {}


def register(
    kind: str, *, label: Any, fields: Mapping[str, Any], show: Callable[[str, Any], str] | None = None
) -> None:
    """Called by each configuration service (at import) for the kind of object it logs."""
    KINDS[kind] = Kind(label=label, fields=fields, show=show)


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
    known = KINDS.get(kind)
    return str(known.label) if known else kind


def _plain(value: Any) -> str:
    if value is None or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def describe(change: ConfigChange) -> list[tuple[str, str, str]]:
    """(label, before, after) of each value that changed, written for the reader in the
    active language."""
    known = KINDS.get(change.kind)
    rows = []
    for key, before, after in change.differences():
        label = str(known.fields.get(key, key)) if known else key
        show = known.show if known and known.show else None
        write = (lambda v, k=key, f=show: f(k, v) if v is not None else "—") if show else _plain
        if change.before is None and write(after) == "—":
            continue  # a new object: only what was set
        rows.append((label, write(before), write(after)))
    return rows
