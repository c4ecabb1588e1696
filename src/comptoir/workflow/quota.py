"""Procedure 000: a contract gives 20 tickets a month, and nobody can see how many are
left. The counter resets on the 1st in the organisation's time zone; beyond the allowance
the organisation's policy warns, holds the request for a supervisor's approval (kept by
``comptoir.admission``), or refuses with a clear message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import ngettext

from comptoir.accounts.contracts import organisation_calendar, organisation_quota
from comptoir.accounts.models import Organisation
from comptoir.core.errors import ValidationError
from comptoir.tickets.models import Ticket


class QuotaExceeded(ValidationError):
    pass


class ApprovalRequired(QuotaExceeded):
    """Beyond the allowance under the "approval" policy: the request is not opened but
    kept (``comptoir.admission.services.submit``) until a supervisor decides."""

    reason = "quota_approval"


@dataclass(frozen=True)
class Usage:
    used: int
    allowance: int | None

    @property
    def remaining(self) -> int | None:
        return None if self.allowance is None else max(self.allowance - self.used, 0)

    @property
    def exceeded(self) -> bool:
        return self.allowance is not None and self.used >= self.allowance


def month_start(organisation_id: int, at: datetime) -> datetime:
    calendar = organisation_calendar(organisation_id)
    zone = calendar.zone if calendar is not None else ZoneInfo(settings.TIME_ZONE)
    local = at.astimezone(zone)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def usage(organisation_id: int, *, at: datetime) -> Usage:
    contract = organisation_quota(organisation_id)
    if contract is None:
        return Usage(used=0, allowance=None)

    used = Ticket.objects.filter(
        organisation_id=organisation_id,
        created_at__gte=month_start(organisation_id, at),
        linked_to__isnull=True,
    ).count()
    return Usage(used=used, allowance=contract[0])


def check(organisation_id: int | None, *, at: datetime, by_staff: bool) -> Usage | None:
    """Before a new ticket: refuses it, or asks for a supervisor's approval, when the
    allowance is used and the organisation's policy says so (the support team may still
    log one, e.g. an urgent call, and a supervisor's approval opens one). Reads the
    contract from the per-process catalogue: no query for organisations without quota."""
    contract = organisation_quota(organisation_id)
    if organisation_id is None or contract is None:
        return None
    current = usage(organisation_id, at=at)
    if current.exceeded and contract[1] == Organisation.QuotaPolicy.APPROVAL and not by_staff:
        raise ApprovalRequired(
            ngettext(
                "Your organisation has used its %(n)d request for this month: a supervisor must "
                "approve this one before it is opened.",
                "Your organisation has used its %(n)d requests for this month: a supervisor must "
                "approve this one before it is opened.",
                current.allowance or 0,
            )
            % {"n": current.allowance}
        )
    if current.exceeded and contract[1] == Organisation.QuotaPolicy.REFUSE and not by_staff:
        raise QuotaExceeded(
            ngettext(
                "Your organisation has used its %(n)d request for this month. The counter starts "
                "again on the 1st; for an emergency, please call the support team.",
                "Your organisation has used its %(n)d requests for this month. The counter starts "
                "again on the 1st; for an emergency, please call the support team.",
                current.allowance or 0,
            )
            % {"n": current.allowance}
        )
    return current
