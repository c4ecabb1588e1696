"""What each organisation's contract says, cached per process: the business calendar its
delays are counted in (procedures 000 and 002), its monthly allowance of requests and what
happens beyond it (procedure 000), and the language its people are written to.

Read on every ticket change and every mail, changed rarely: kept in memory
(``comptoir.core.cache``); ``forget()`` drops it (the admin does on every change of an
organisation or a calendar). Every business calendar is kept here too, by id, so SLA
policies with a calendar of their own find it without a second load.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from comptoir.accounts.models import Organisation
from comptoir.calendars import BusinessCalendar
from comptoir.calendars.models import Calendar
from comptoir.core.cache import ProcessCache


@dataclass(frozen=True)
class Contracts:
    calendars: dict[int, BusinessCalendar]  # calendar id -> calendar (every calendar)
    organisation_calendars: dict[int, int] = field(default_factory=dict)  # org id -> calendar id
    quotas: dict[int, tuple[int, str]] = field(default_factory=dict)  # org id -> (monthly quota, policy)
    languages: dict[int, str] = field(default_factory=dict)  # org id -> language of its contract


def calendar(calendar_id: int | None) -> BusinessCalendar | None:
    """A business calendar by its id."""
    return _contracts.get().calendars.get(calendar_id) if calendar_id is not None else None


def organisation_calendar(organisation_id: int | None) -> BusinessCalendar | None:
    """The business calendar of an organisation's contract, if it has one."""
    if organisation_id is None:
        return None
    return calendar(_contracts.get().organisation_calendars.get(organisation_id))


def organisation_quota(organisation_id: int | None) -> tuple[int, str] | None:
    """(monthly ticket quota, policy beyond it) of an organisation's contract, if any."""
    return _contracts.get().quotas.get(organisation_id or 0)


def organisation_language(organisation_id: int | None) -> str:
    """The language the organisation's people are written to ("" : not set)."""
    return _contracts.get().languages.get(organisation_id or 0, "")


def forget() -> None:
    _contracts.forget()


def calendar_ids() -> list[int]:
    """The calendars some organisation's contract counts in."""
    return sorted(set(_contracts.get().organisation_calendars.values()))


def _load() -> Contracts:
    rows = Organisation.objects.values_list(
        "pk", "calendar_id", "monthly_ticket_quota", "quota_policy", "language"
    )
    org_calendars, quotas, languages = {}, {}, {}
    for pk, calendar_id, quota, policy, language in rows:
        if calendar_id is not None:
            org_calendars[pk] = calendar_id
        if quota is not None:
            quotas[pk] = (quota, policy)
        languages[pk] = language
    calendars = {c.pk: BusinessCalendar.from_spec(c.spec) for c in Calendar.objects.all()}
    return Contracts(calendars, org_calendars, quotas, languages)


_contracts: ProcessCache[Contracts] = ProcessCache(_load)
