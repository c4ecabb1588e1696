"""Public holidays, from the ``holidays`` library (pinned version), validated and cached.

A holiday source is a country and optionally a subdivision, as the library knows them:
``{"country": "FR", "subdivision": "57"}`` is Moselle (Alsace-Moselle law: Good Friday and
26 December are holidays there), ``{"country": "BE"}`` is Belgium, ``None`` means national
holidays only. Codes are matched without regard to case and canonicalised:

- the country may be an ISO 3166 alpha-2 or alpha-3 code (``"fr"``, ``"FRA"`` -> ``"FR"``);
- the subdivision may be a code or one of the library's aliases (``"Moselle"`` -> ``"57"``,
  ``"Alsace"`` -> ``"6AE"``); ``"Alsace-Moselle"``, a name the library only keeps as
  deprecated, is read as ``"6AE"`` (57 and 6AE have the same public holidays).

Only the library's default ("public") category is used, with observed days included.
Each (country, subdivision, year) is computed once per process and kept as a frozenset.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

from comptoir.calendars.engine.errors import CalendarSpecError

# `holidays` (and importlib.metadata) are imported on first use, inside the functions: they
# take tens of milliseconds to import, and most processes (every Django command) import
# this package without ever computing business time.


@cache
def _library() -> str:
    from importlib.metadata import version  # deferred, see the note at the top

    return f"holidays {version('holidays')}"


_COUNTRY_CODE = re.compile(r"^[A-Z]{2,3}$")

# Names the library accepts only with a DeprecationWarning (or not at all) that integrators
# still use; keyed by (country, lower-cased name).
_EXTRA_SUBDIVISION_ALIASES: dict[tuple[str, str], str] = {
    ("FR", "alsace-moselle"): "6AE",
}


@dataclass(frozen=True, slots=True)
class HolidaySource:
    """Where public holidays come from: canonical library codes."""

    country: str
    subdivision: str | None = None


@dataclass(frozen=True, slots=True)
class _CountryCodes:
    country: str
    subdivisions: dict[str, str]  # lower-cased code or alias -> canonical code
    listing: str  # for error messages


@lru_cache(maxsize=512)
def _country_codes(code: str) -> _CountryCodes | None:
    """The subdivisions of country ``code`` (upper case), or None if the library lacks it."""
    import holidays  # deferred, see the note at the top

    # Asking for the country is much cheaper than holidays.list_supported_countries(),
    # which imports every country module.
    try:
        entity = holidays.country_holidays(code)
    except NotImplementedError:
        return None
    country = str(entity.country)
    names: dict[str, str] = {}
    aliases: list[str] = []
    for canonical, canonical_aliases in entity.get_subdivision_aliases().items():
        names[canonical.lower()] = canonical
        for alias in canonical_aliases:
            names.setdefault(alias.lower(), canonical)
            aliases.append(alias)
    for (extra_country, alias), canonical in _EXTRA_SUBDIVISION_ALIASES.items():
        if extra_country == country:
            names.setdefault(alias, canonical)
    codes = ", ".join(entity.subdivisions) or "none"
    listing = f"subdivision codes: {codes}"
    if aliases:
        listing += f"; aliases: {', '.join(aliases)}"
    return _CountryCodes(country=country, subdivisions=names, listing=listing)


def resolve_source(value: object, field: str = "holidays") -> HolidaySource | None:
    """Read the ``"holidays"`` part of a spec; raise :class:`CalendarSpecError` if unknown.

    ``None`` (or an absent key) means no public holidays at all.
    """
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise CalendarSpecError(
            field, f'expected {{"country": ..., "subdivision": ...}} or null, got {value!r}'
        )
    unknown = sorted(set(value) - {"country", "subdivision"})
    if unknown:
        raise CalendarSpecError(field, f"unknown key(s) {unknown}; use country, subdivision")
    country = value.get("country")
    if not isinstance(country, str) or not country.strip():
        raise CalendarSpecError(f"{field}.country", f"expected a country code such as 'FR', got {country!r}")
    code = country.strip().upper()
    codes = _country_codes(code) if _COUNTRY_CODE.match(code) else None
    if codes is None:
        raise CalendarSpecError(
            f"{field}.country",
            f"unknown country {country!r} for {_library()} "
            "(use an ISO 3166 code the library supports, e.g. FR, BE)",
        )
    subdivision = value.get("subdivision")
    if subdivision is None:
        return HolidaySource(codes.country, None)
    if isinstance(subdivision, int) and not isinstance(subdivision, bool):
        subdivision = str(subdivision)
    if not isinstance(subdivision, str):
        raise CalendarSpecError(
            f"{field}.subdivision", f"expected a code string or null, got {subdivision!r}"
        )
    canonical = codes.subdivisions.get(subdivision.strip().lower())
    if canonical is None:
        raise CalendarSpecError(
            f"{field}.subdivision",
            f"{codes.country} has no subdivision {subdivision!r} in {_library()} ({codes.listing})",
        )
    return HolidaySource(codes.country, canonical)


@lru_cache(maxsize=4096)
def holiday_dates(source: HolidaySource, year: int) -> frozenset[date]:
    """The public holidays of ``source`` in ``year`` (computed once per process)."""
    import holidays  # deferred, see the note at the top

    entity = holidays.country_holidays(source.country, subdiv=source.subdivision, years=year)
    return frozenset(entity.keys())
