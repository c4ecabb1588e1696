"""A line's hours as people read them: procedure 003's hotline and emergency line."""

from __future__ import annotations

from django.utils import translation

from comptoir.dispatch.opening_hours import Line, describe
from comptoir.dispatch.presets import EMERGENCY_HOURS, HOTLINE_HOURS
from comptoir.dispatch.templatetags.duty import hours_lines


def test_the_emergency_line_joins_weekends_and_public_holidays():
    hours = describe(EMERGENCY_HOURS)
    assert hours.lines == (
        Line(days=(("mon", "fri"),), holidays=False, hours=("06:00-22:00",)),
        Line(days=(("sat", "sun"),), holidays=True, hours=("09:00-10:00", "16:00-17:00")),
    )
    assert not hours.closed_on_holidays


def test_the_hotline_closes_on_public_holidays():
    hours = describe(HOTLINE_HOURS)
    assert hours.lines == (
        Line(days=(("mon", "fri"),), holidays=False, hours=("09:00-12:00", "14:00-17:30")),
    )
    assert hours.closed_on_holidays


def test_days_apart_with_the_same_hours_share_a_line():
    spec = {
        "timezone": "Europe/Paris",
        "week": {"mon": ["08:00-12:00"], "wed": ["08:00-12:00"], "thu": ["14:00-18:00"]},
    }
    assert describe(spec).lines == (
        Line(days=(("mon", "mon"), ("wed", "wed")), holidays=False, hours=("08:00-12:00",)),
        Line(days=(("thu", "thu"),), holidays=False, hours=("14:00-18:00",)),
    )


def plain(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """French keeps hours and their "h" together with non-breaking spaces."""
    return [(days, hours.replace("\xa0", " ")) for days, hours in lines]


def test_in_words_in_french():
    with translation.override("fr"):
        assert plain(hours_lines(describe(EMERGENCY_HOURS))) == [
            ("Du lundi au vendredi", "6 h – 22 h"),
            ("Samedi, dimanche et jours fériés", "9 h – 10 h et 16 h – 17 h"),
        ]
        assert plain(hours_lines(describe(HOTLINE_HOURS))) == [
            ("Du lundi au vendredi", "9 h – 12 h et 14 h – 17 h 30"),
            ("Jours fériés", "fermé"),
        ]


def test_in_words_in_english():
    with translation.override("en"):
        assert hours_lines(describe(HOTLINE_HOURS)) == [
            ("Monday to Friday", "9:00–12:00 and 14:00–17:30"),
            ("Public holidays", "closed"),
        ]
