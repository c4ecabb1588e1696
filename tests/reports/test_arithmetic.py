"""The reports' arithmetic, without a database: percentiles, periods, business-time
durations across a weekend and a public holiday, and a ticket's qualification as recorded
at the time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from comptoir.calendars import BusinessCalendar
from comptoir.reports import charts, history, stats
from comptoir.reports.history import Catalogue, Change, Clock, Current

PARIS = ZoneInfo("Europe/Paris")
# Procedure 000: 9:30-17:00 Monday to Friday, French public holidays.
SUPPORT = BusinessCalendar.from_spec(
    {
        "timezone": "Europe/Paris",
        "week": {
            **{d: ["09:30-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
            "sat": [],
            "sun": [],
        },
        "holidays": {"country": "FR", "subdivision": None},
        "holiday_hours": [],
        "closures": [],
        "openings": {},
    }
)


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def ticket(created: datetime, **kwargs: object) -> Current:
    values: dict[str, object] = {
        "id": 1,
        "created_at": created,
        "organisation_id": 7,
        "channel": "portal",
        "type": "question",
        "severity": "normal",
        "priority": "normal",
        "product_id": 3,
        "component_id": None,
        "group_id": 10,
        "assignee_id": None,
    }
    values.update(kwargs)
    return Current(**values)  # type: ignore[arg-type]


def test_median_and_90th_percentile_interpolate_between_ranks():
    assert stats.percentile([1200, 3600, 5400, 10800], 0.5) == 4500
    assert stats.percentile([1200, 3600, 5400, 10800], 0.9) == pytest.approx(9180)
    assert stats.percentile([7], 0.9) == 7
    assert stats.percentile([], 0.5) is None


def test_periods_are_iso_weeks_and_calendar_months():
    assert stats.bucket(date(2026, 4, 30), stats.WEEK) == date(2026, 4, 27)
    assert stats.bucket(date(2026, 4, 30), stats.MONTH) == date(2026, 4, 1)
    assert stats.bucket_end(date(2026, 2, 1), stats.MONTH) == date(2026, 2, 28)
    assert stats.buckets(date(2026, 4, 1), date(2026, 5, 31), stats.MONTH) == [
        date(2026, 4, 1),
        date(2026, 5, 1),
    ]
    assert stats.previous_month(date(2026, 1, 3)) == (date(2025, 12, 1), date(2025, 12, 31))


def test_a_request_sent_before_the_may_day_weekend_counts_one_hour_on_thursday_and_two_on_monday():
    """Thursday 30 April 2026 at 16:00; Friday 1 May is a public holiday, then the weekend:
    taken on Monday at 10:30 (2 business hours), answered at 11:30 (3 business hours)."""
    current = ticket(paris(2026, 4, 30, 16, 0), assignee_id=21)
    past = [
        Change(paris(2026, 4, 30, 16, 0), "created", {"status": [None, "new"]}),
        Change(paris(2026, 5, 4, 10, 30), "taken", {"assignee": [None, {"id": 21}]}, actor_id=21),
        Change(paris(2026, 5, 4, 11, 30), "replied", {"by": "team"}, actor_id=21),
        Change(paris(2026, 5, 5, 9, 30), "status_changed", {"status": ["open", "resolved"]}),
    ]
    found = {
        e.kind: e for e in history.entries(current, past, catalogue=Catalogue(), calendar=SUPPORT, zone=PARIS)
    }
    assert found["pick_up"].business == 2 * 3600
    assert found["first_response"].business == 3 * 3600
    assert found["first_response"].plain == 91 * 3600 + 1800  # Thursday 16:00 to Monday 11:30
    assert found["acknowledgement"].business == 2 * 3600  # taking it is the team's first action
    assert found["resolution"].business == 8 * 3600 + 1800  # Thursday 1 h + Monday 7 h 30
    assert found["resolution"].day == date(2026, 5, 5)
    assert found["received"].counted


def test_without_a_calendar_durations_are_elapsed_time():
    current = ticket(paris(2026, 5, 2, 10, 0))  # a Saturday
    past = [Change(paris(2026, 5, 2, 10, 20), "replied", {"by": "team"})]
    [_received, first] = [
        e
        for e in history.entries(current, past, catalogue=Catalogue(), calendar=None, zone=PARIS)
        if e.kind in {"received", "first_response"}
    ][:2]
    assert first.business == first.plain == 1200


def test_qualification_is_the_one_recorded_at_the_end_of_the_day():
    """Requalified as an incident the day it arrived, then as high priority the next day:
    the reception counts as an incident of normal priority; later changes do not move it."""
    cat = Catalogue(products={"Sites": 3, "GestPro": 4}, tiers={10: "L1", 11: "L2"})
    current = ticket(paris(2026, 4, 24, 16, 30), type="incident", priority="high", product_id=4, group_id=11)
    past = [
        Change(paris(2026, 4, 24, 16, 30), "created", {"status": [None, "new"]}),
        Change(paris(2026, 4, 24, 16, 45), "requalified", {"type": ["question", "incident"]}),
        Change(
            paris(2026, 4, 27, 9, 0),
            "requalified",
            {"priority": ["normal", "high"], "product": ["Sites", "GestPro"]},
        ),
        Change(
            paris(2026, 4, 27, 9, 5), "escalated", {"group": [{"id": 10}, {"id": 11}], "tier": ["L1", "L2"]}
        ),
    ]
    line = history.timeline(current, past, cat)
    at_reception = line.at(paris(2026, 4, 25, 0, 0))
    assert (at_reception.type, at_reception.priority, at_reception.product_id) == ("incident", "normal", 3)
    assert (at_reception.group_id, at_reception.tier) == (10, "L1")
    later = line.at(paris(2026, 4, 28, 0, 0))
    assert (later.priority, later.product_id, later.tier) == ("high", 4, "L2")
    [received] = [
        e
        for e in history.entries(current, past, catalogue=cat, calendar=SUPPORT, zone=PARIS)
        if e.kind == "received"
    ]
    assert received.qualification.type == "incident"
    assert received.qualification.priority == "normal"


def test_taken_then_escalated_leaves_the_ticket_unassigned():
    current = ticket(paris(2026, 5, 6, 9, 30), assignee_id=None, group_id=11)
    past = [
        Change(paris(2026, 5, 6, 9, 40), "taken", {"assignee": [None, {"id": 21}]}, actor_id=21),
        Change(
            paris(2026, 5, 6, 10, 0), "escalated", {"group": [{"id": 10}, {"id": 11}], "tier": ["L1", "L2"]}
        ),
    ]
    line = history.timeline(current, past, Catalogue(tiers={10: "L1", 11: "L2"}))
    assert line.at(paris(2026, 5, 6, 9, 50)).assignee_id == 21
    assert line.at(paris(2026, 5, 6, 9, 35)).assignee_id is None
    assert line.at(paris(2026, 5, 7, 0, 0)).assignee_id is None


def test_resolutions_reopenings_surveys_and_urgency():
    current = ticket(paris(2026, 4, 24, 16, 30), is_urgent=False)
    past = [
        Change(paris(2026, 4, 24, 16, 30), "created", {"status": [None, "new"]}),
        Change(
            paris(2026, 4, 24, 16, 40),
            "urgency_downgraded",
            {"is_urgent": [True, False], "priority": ["urgent", "normal"]},
        ),
        Change(paris(2026, 4, 27, 16, 30), "status_changed", {"status": ["open", "resolved"]}),
        Change(paris(2026, 4, 27, 16, 30), "survey_sent", {"survey": 5}),
        Change(paris(2026, 4, 28, 10, 0), "status_changed", {"status": ["resolved", "open"]}),
        Change(paris(2026, 4, 28, 11, 0), "status_changed", {"status": ["open", "resolved"]}),
        Change(paris(2026, 4, 28, 11, 0), "survey_sent", {"survey": 6}),
        Change(paris(2026, 4, 29, 9, 0), "survey_answered", {"survey": 6, "rating": 4}),
    ]
    made = history.entries(current, past, catalogue=Catalogue(), calendar=SUPPORT, zone=PARIS)
    kinds = [e.kind for e in made]
    assert kinds.count("resolution") == 2
    assert kinds.count("reopened") == 1
    assert [e.business for e in made if e.kind == "resolution"] == [27000, 34200]
    assert kinds.count("urgent_flag") == 1
    assert kinds.count("urgent_downgrade") == 1
    sent = {e.seq: e.rating for e in made if e.kind == "survey_sent"}
    assert sent == {5: None, 6: 4}
    # The priority before the downgrade was urgent: the reception day ends normal.
    assert next(e for e in made if e.kind == "received").qualification.priority == "normal"


def test_sla_outcomes_fall_on_the_day_they_were_reached():
    current = ticket(paris(2026, 4, 30, 16, 0))
    clocks = [
        Clock(0, "acknowledgement", 0, "breached", paris(2026, 4, 30, 17, 0), paris(2026, 5, 4, 11, 30)),
        Clock(0, "pick_up", 0, "met", paris(2026, 5, 4, 12, 30), paris(2026, 5, 4, 10, 30)),
        Clock(0, "resolution", 0, "running", paris(2026, 5, 6, 9, 30), None),
    ]
    made = history.clock_entries(current, [], clocks, catalogue=Catalogue(), zone=PARIS)
    assert [(e.metric, e.outcome, e.day) for e in made] == [
        ("acknowledgement", "breached", date(2026, 4, 30)),
        ("pick_up", "met", date(2026, 5, 4)),
    ]


def test_charts_link_every_bar_and_escape_labels():
    svg = charts.columns(
        "Volume",
        ["S17 <b>"],
        [charts.Series("Reçus", "#000", (charts.Bar(3, "3", "/reports/tickets/?kind=received&a=1", "v1"),))],
    )
    assert svg.startswith("<svg")
    assert 'data-testid="v1"' in svg
    assert "&amp;a=1" in svg
    assert "<b>" not in svg
