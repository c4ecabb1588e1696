"""Deflections: requests not sent because an article of the guide solved the problem
(procedure 000: « consulter le guide avant d'ouvrir un ticket »), read from the knowledge
base's ``Deflection`` rows. They have an organisation and a channel, nothing else a ticket
has: filtered or grouped by another dimension, the measure has no data."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from comptoir.kb.models import Deflection
from comptoir.reports import history, stats
from comptoir.reports.query import Scope

KIND = "deflection"
DIMS = frozenset({"organisation", "channel"})


def model() -> Any:
    """The knowledge base's model of deflected requests."""
    return Deflection


def applies(scope: Scope, group: str) -> bool:
    used = {key for key, _v in scope.filters} | ({group} if group not in stats.PERIODS else set())
    return model() is not None and used <= DIMS and scope.requester is None


def _bounds(scope: Scope) -> tuple[datetime, datetime]:
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(scope.start, time(0), tzinfo=zone)
    end = datetime.combine(scope.end + timedelta(days=1), time(0), tzinfo=zone)
    return start, end


def rows(scope: Scope) -> QuerySet[Any]:
    """The deflections in the scope (its days, its organisation and channel filters)."""
    start, end = _bounds(scope)
    qs = model().objects.filter(at__gte=start, at__lt=end)
    for key, value in scope.filters:
        field = "organisation_id" if key == "organisation" else "channel"
        if value == "none":
            qs = qs.filter(organisation__isnull=True) if key == "organisation" else qs.none()
        else:
            qs = qs.filter(**{field: int(value) if key == "organisation" else value})
    return qs


def counts(scope: Scope, group: str) -> Counter[str]:
    """Deflections per row key: the period bucket (ISO date) or the dimension's value."""
    zone = ZoneInfo(settings.TIME_ZONE)
    found: Counter[str] = Counter()
    for at, organisation_id, channel in rows(scope).values_list("at", "organisation_id", "channel"):
        if group == "organisation":
            key = "" if organisation_id is None else str(organisation_id)
        elif group == "channel":
            key = channel
        else:
            period = group if group in stats.PERIODS else stats.TOTAL
            key = stats.bucket(at.astimezone(zone).date(), period).isoformat()
        found[key] += 1
    return found


def no_data_note() -> str:
    if model() is None:
        return _("No data: the knowledge base is not installed, so no request is known to have been avoided.")
    return _("No data: deflections have an organisation and a channel only; remove the other filters.")


def day_of(at: datetime) -> date:
    return at.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


RECEIVED = history.RECEIVED
