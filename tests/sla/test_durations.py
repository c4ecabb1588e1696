"""Targets written as people say them, read and written back (pure, no database)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.sla.durations import (
    NEGATIVE,
    TOO_FINE,
    UNREADABLE,
    ZERO,
    DurationError,
    format_target,
    parse,
)

H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("text", "duration", "in_days", "business"),
    [
        ("4 h ouvrées", 4 * H, False, True),
        ("4h", 4 * H, False, None),
        ("4 heures", 4 * H, False, None),
        ("4 H OUVRÉES", 4 * H, False, True),
        ("1 h 30", 90 * timedelta(minutes=1), False, None),
        ("1h30", timedelta(minutes=90), False, None),
        ("1 h 30 min", timedelta(minutes=90), False, None),
        ("1,5 h", timedelta(minutes=90), False, None),
        ("90 min", timedelta(minutes=90), False, None),
        ("40 h", 40 * H, False, None),
        ("16 h ouvrées", 16 * H, False, True),
        ("2 jours ouvrés", 16 * H, True, True),
        ("2 j", 16 * H, True, None),
        ("1 jour", 8 * H, True, None),
        ("1 jour ouvré", 8 * H, True, True),
        ("2 business days", 16 * H, True, True),
        ("4 business hours", 4 * H, False, True),
        ("30 minutes", timedelta(minutes=30), False, None),
        ("24 h calendaires", 24 * H, False, False),
        ("2 calendar days", 16 * H, True, False),
    ],
)
def test_targets_read_as_people_write_them(text, duration, in_days, business):
    parsed = parse(text)
    assert (parsed.duration, parsed.in_days, parsed.business) == (duration, in_days, business)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0 h", ZERO),
        ("0", UNREADABLE),
        ("0 min", ZERO),
        ("-4 h", NEGATIVE),
        ("4", UNREADABLE),
        ("quatre heures", UNREADABLE),
        ("4 h 30 min 10", UNREADABLE),
        ("2 j 4 h", UNREADABLE),
        ("4 semaines", UNREADABLE),
        ("30 min 1 h", UNREADABLE),
        ("0,5 min", TOO_FINE),
        ("", "empty"),
    ],
)
def test_unusable_targets_are_refused_with_their_reason(text, reason):
    with pytest.raises(DurationError) as caught:
        parse(text)
    assert caught.value.reason == reason


def test_forty_hours_is_shown_as_said_never_as_a_timedelta():
    assert format_target(40 * H, language="fr") == "40 h ouvrées"
    assert format_target(40 * H, language="en") == "40 business hours"
    assert format_target(timedelta(minutes=90), language="fr") == "1 h 30 ouvrées"
    assert format_target(timedelta(minutes=30), language="en") == "30 business minutes"
    assert format_target(H, language="en") == "1 business hour"
    assert format_target(4 * H, business=False, language="fr") == "4 h"


def test_days_are_shown_back_in_days():
    assert format_target(16 * H, in_days=True, language="fr") == "2 jours ouvrés"
    assert format_target(8 * H, in_days=True, language="fr") == "1 jour ouvré"
    assert format_target(12 * H, in_days=True, language="fr") == "1,5 jour ouvré"
    assert format_target(16 * H, in_days=True, language="en") == "2 business days"
    assert format_target(8 * H, in_days=True, language="en") == "1 business day"
    assert format_target(16 * H, in_days=True, business=False, language="en") == "2 days"


minutes = st.integers(min_value=1, max_value=60 * 24 * 60)


@given(minutes=minutes, business=st.booleans(), language=st.sampled_from(["fr", "en"]))
def test_what_is_shown_reads_back_the_same(minutes, business, language):
    duration = timedelta(minutes=minutes)
    parsed = parse(format_target(duration, business=business, language=language))
    assert parsed.duration == duration
    assert not parsed.in_days
    assert parsed.business in ({True} if business else {None, False})


@given(
    days=st.integers(min_value=1, max_value=200), half=st.booleans(), language=st.sampled_from(["fr", "en"])
)
def test_days_shown_read_back_as_days(days, half, language):
    duration = timedelta(hours=8 * days + (4 if half else 0))
    parsed = parse(format_target(duration, in_days=True, language=language))
    assert (parsed.duration, parsed.in_days, parsed.business) == (duration, True, True)
