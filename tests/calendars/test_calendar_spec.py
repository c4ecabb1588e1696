"""The spec format: what is accepted, how it is canonicalised, what is refused and why."""

from __future__ import annotations

import json
from typing import Any

import pytest

from comptoir.calendars import BusinessCalendar, CalendarSpecError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
FULL_SPEC: dict[str, Any] = {
    "timezone": "Europe/Paris",
    "week": {
        "mon": ["09:00-12:00", "14:00-17:30"],
        "tue": ["09:00-12:00", "14:00-17:30"],
        "wed": ["09:00-12:00", "14:00-17:30"],
        "thu": ["09:00-12:00", "14:00-17:30"],
        "fri": ["09:00-12:00", "14:00-17:30"],
        "sat": [],
        "sun": [],
    },
    "holidays": {"country": "FR", "subdivision": None},
    "holiday_hours": [],
    "closures": ["2026-12-24"],
    "openings": {"2026-05-25": ["09:00-17:00"]},
}


def with_changes(**changes: Any) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(json.dumps(FULL_SPEC))
    spec.update(changes)
    return spec


def test_canonical_spec_round_trips_exactly_through_json() -> None:
    calendar = BusinessCalendar.from_spec(FULL_SPEC)
    exported = calendar.to_spec()
    assert exported == FULL_SPEC
    assert BusinessCalendar.from_spec(json.loads(json.dumps(exported))) == calendar


def test_spec_is_canonicalised() -> None:
    calendar = BusinessCalendar.from_spec(
        {
            "timezone": "America/New_York",
            "week": {"fri": ["14:00 - 18:00", "9:00-12:00"], "mon": ["08:00-24:00"]},
            "holidays": {"country": "usa", "subdivision": "ny"},
            "holiday_hours": None,
            "closures": ["2026-12-31", "2026-12-24", "2026-12-31"],
            "openings": {"2026-11-28": ["10:00-12:00"], "2026-05-02": []},
        }
    )
    assert calendar.to_spec() == {
        "timezone": "America/New_York",
        "week": {
            "mon": ["08:00-24:00"],
            "tue": [],
            "wed": [],
            "thu": [],
            "fri": ["09:00-12:00", "14:00-18:00"],
            "sat": [],
            "sun": [],
        },
        "holidays": {"country": "US", "subdivision": "NY"},
        "holiday_hours": [],
        "closures": ["2026-12-24", "2026-12-31"],
        "openings": {"2026-05-02": [], "2026-11-28": ["10:00-12:00"]},
    }


def test_touching_intervals_are_allowed() -> None:
    calendar = BusinessCalendar.from_spec(
        {"timezone": "UTC", "week": {"mon": ["09:00-12:00", "12:00-14:00"]}}
    )
    assert calendar.to_spec()["week"]["mon"] == ["09:00-12:00", "12:00-14:00"]


@pytest.mark.parametrize(
    ("spec", "field", "fragment"),
    [
        pytest.param(
            with_changes(week={"mon": ["17:00-09:00"]}),
            "week.mon[0]",
            "ends before it starts",
            id="reversed-interval",
        ),
        pytest.param(
            with_changes(week={"tue": ["09:00-12:00", "11:00-14:00"]}),
            "week.tue",
            "overlap",
            id="overlap",
        ),
        pytest.param(
            with_changes(week={"monday": ["09:00-12:00"]}),
            "week",
            "unknown day(s) ['monday']",
            id="unknown-day",
        ),
        pytest.param(with_changes(week={"mon": "09:00-12:00"}), "week.mon", "list", id="bare"),
        pytest.param(with_changes(week={"mon": ["9h-12h"]}), "week.mon[0]", "HH:MM", id="9h"),
        pytest.param(with_changes(week={"mon": ["24:00-24:00"]}), "week.mon[0]", "start", id="24-start"),
        pytest.param(with_changes(week={"mon": ["09:00-25:00"]}), "week.mon[0]", "end", id="25"),
        pytest.param(with_changes(week={"mon": ["09:60-10:00"]}), "week.mon[0]", "start", id="60"),
        pytest.param(with_changes(week=None), "week", "expected a mapping", id="no-week"),
        pytest.param(with_changes(timezone="Europe/Pariss"), "timezone", "unknown time zone", id="tz"),
        pytest.param(with_changes(timezone=None), "timezone", "IANA", id="no-tz"),
        pytest.param(with_changes(timezone="../etc"), "timezone", "unknown", id="tz-path"),
        pytest.param(
            with_changes(holidays={"country": "XX"}),
            "holidays.country",
            "unknown country",
            id="country",
        ),
        pytest.param(
            with_changes(holidays={"country": "FR", "subdivision": "Bretagne"}),
            "holidays.subdivision",
            "57, 6AE",
            id="subdivision",
        ),
        pytest.param(
            with_changes(holidays={"country": "FR", "region": "57"}),
            "holidays",
            "region",
            id="holidays-key",
        ),
        pytest.param(with_changes(holidays="FR"), "holidays", "expected", id="holidays-str"),
        pytest.param(
            with_changes(holiday_hours=["12:00-10:00"]),
            "holiday_hours[0]",
            "ends before",
            id="holiday-hours",
        ),
        pytest.param(with_changes(closures=["24/12/2026"]), "closures[0]", "YYYY-MM-DD", id="c"),
        pytest.param(with_changes(closures="2026-12-24"), "closures", "list", id="closures-str"),
        pytest.param(
            with_changes(openings={"2026-13-01": ["09:00-10:00"]}),
            "openings['2026-13-01']",
            "YYYY-MM-DD",
            id="opening-date",
        ),
        pytest.param(
            with_changes(openings={"2026-05-25": ["10:00-09:00"]}),
            "openings['2026-05-25'][0]",
            "ends before",
            id="opening-hours",
        ),
        pytest.param(with_changes(holiday=None), "spec", "unknown key(s) ['holiday']", id="key"),
    ],
)
def test_invalid_specs_raise_an_error_naming_the_field(
    spec: dict[str, Any], field: str, fragment: str
) -> None:
    with pytest.raises(CalendarSpecError) as caught:
        BusinessCalendar.from_spec(spec)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert fragment in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_unknown_subdivision_error_lists_what_the_library_accepts() -> None:
    with pytest.raises(CalendarSpecError, match=r"holidays 0\.109.*Moselle"):
        BusinessCalendar.from_spec(with_changes(holidays={"country": "FR", "subdivision": "67"}))
