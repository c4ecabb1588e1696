"""Who is on duty (pure): procedure 003's three people taking turns, a week each, with
absences and swaps."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.dispatch.rotation import (
    ABSENCE,
    REPLACEMENT,
    Override,
    Rotation,
    next_on_duty,
    on_duty,
    who,
)

PARIS = ZoneInfo("Europe/Paris")
LEA, MARC, SOPHIE, PAUL = 1, 2, 3, 4


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


WEEKLY = Rotation(members=(LEA, MARC, SOPHIE), starts_on=date(2026, 1, 5), handover=time(9, 0))


def test_each_member_is_on_duty_a_week_in_turn_from_monday_9_00():
    assert who(WEEKLY, paris(2026, 1, 5, 9, 0)) == LEA
    assert who(WEEKLY, paris(2026, 1, 12, 8, 59)) == LEA
    assert who(WEEKLY, paris(2026, 1, 12, 9, 0)) == MARC
    assert who(WEEKLY, paris(2026, 1, 19, 9, 0)) == SOPHIE
    assert who(WEEKLY, paris(2026, 1, 26, 9, 0)) == LEA
    # Before the first turn the rotation runs backwards.
    assert who(WEEKLY, paris(2026, 1, 5, 8, 59)) == SOPHIE


def test_now_says_since_when_and_until_the_next_hand_over():
    duty = on_duty(WEEKLY, paris(2026, 1, 14, 15, 0))
    assert (duty.user_id, duty.since, duty.until) == (
        MARC,
        paris(2026, 1, 12, 9, 0),
        paris(2026, 1, 19, 9, 0),
    )
    nxt = next_on_duty(WEEKLY, paris(2026, 1, 14, 15, 0))
    assert nxt is not None
    assert (nxt.user_id, nxt.since, nxt.until) == (SOPHIE, paris(2026, 1, 19, 9, 0), paris(2026, 1, 26, 9, 0))


def test_the_hand_over_stays_at_9_00_local_time_across_the_clock_change():
    # Summer time starts on Sunday 29 March 2026: the Monday hand-over is still 9:00 in Paris.
    duty = on_duty(WEEKLY, paris(2026, 3, 27, 12, 0))
    assert duty.until == paris(2026, 3, 30, 9, 0)
    assert duty.until.astimezone(ZoneInfo("UTC")).hour == 7


def test_any_period_and_hand_over_hour():
    daily = Rotation(members=(LEA, MARC), starts_on=date(2026, 1, 1), handover=time(18, 30), period_days=1)
    assert who(daily, paris(2026, 1, 1, 18, 29)) == MARC
    assert who(daily, paris(2026, 1, 1, 18, 30)) == LEA
    assert who(daily, paris(2026, 1, 2, 18, 30)) == MARC
    assert on_duty(daily, paris(2026, 1, 2, 12, 0)).until == paris(2026, 1, 2, 18, 30)


def test_an_absent_member_is_covered_by_the_next_one_in_order():
    # Marc is away on Tuesday and Wednesday of his week: Sophie covers, then he is back.
    away = Override(ABSENCE, MARC, paris(2026, 1, 13, 0, 0), paris(2026, 1, 15, 0, 0))
    rota = Rotation(members=WEEKLY.members, starts_on=WEEKLY.starts_on, overrides=(away,))
    assert who(rota, paris(2026, 1, 12, 10, 0)) == MARC
    duty = on_duty(rota, paris(2026, 1, 13, 10, 0))
    assert (duty.user_id, duty.since, duty.until) == (
        SOPHIE,
        paris(2026, 1, 13, 0, 0),
        paris(2026, 1, 15, 0, 0),
    )
    assert who(rota, paris(2026, 1, 15, 0, 0)) == MARC
    # Seen from Monday: the next change of hands is the absence, not the hand-over.
    nxt = next_on_duty(rota, paris(2026, 1, 12, 10, 0))
    assert nxt is not None
    assert (nxt.user_id, nxt.since) == (SOPHIE, paris(2026, 1, 13, 0, 0))


def test_an_absence_across_the_hand_over_passes_to_the_next_member():
    # Sophie is away for her whole week: Léa covers it, and then her own week follows.
    away = Override(ABSENCE, SOPHIE, paris(2026, 1, 16, 0, 0), paris(2026, 1, 27, 0, 0))
    rota = Rotation(members=WEEKLY.members, starts_on=WEEKLY.starts_on, overrides=(away,))
    duty = on_duty(rota, paris(2026, 1, 20, 10, 0))
    assert (duty.user_id, duty.since, duty.until) == (LEA, paris(2026, 1, 19, 9, 0), paris(2026, 2, 2, 9, 0))


def test_nobody_is_on_duty_when_everyone_is_away():
    everyone = tuple(
        Override(ABSENCE, m, paris(2026, 8, 3, 0, 0), paris(2026, 8, 10, 0, 0)) for m in WEEKLY.members
    )
    rota = Rotation(members=WEEKLY.members, starts_on=WEEKLY.starts_on, overrides=everyone)
    duty = on_duty(rota, paris(2026, 8, 5, 12, 0))
    assert (duty.user_id, duty.since, duty.until) == (None, paris(2026, 8, 3, 0, 0), paris(2026, 8, 10, 0, 0))


def test_a_swap_is_two_replacements():
    # Léa (week of 5 Jan) and Marc (week of 12 Jan) swap their weeks.
    swap = (
        Override(REPLACEMENT, MARC, paris(2026, 1, 5, 9, 0), paris(2026, 1, 12, 9, 0)),
        Override(REPLACEMENT, LEA, paris(2026, 1, 12, 9, 0), paris(2026, 1, 19, 9, 0)),
    )
    rota = Rotation(members=WEEKLY.members, starts_on=WEEKLY.starts_on, overrides=swap)
    assert who(rota, paris(2026, 1, 7, 10, 0)) == MARC
    assert who(rota, paris(2026, 1, 14, 10, 0)) == LEA
    assert who(rota, paris(2026, 1, 20, 10, 0)) == SOPHIE


def test_a_replacement_by_someone_outside_the_rota():
    cover = Override(REPLACEMENT, PAUL, paris(2026, 1, 6, 12, 0), paris(2026, 1, 6, 14, 0))
    rota = Rotation(members=WEEKLY.members, starts_on=WEEKLY.starts_on, overrides=(cover,))
    duty = on_duty(rota, paris(2026, 1, 6, 13, 0))
    assert (duty.user_id, duty.since, duty.until) == (
        PAUL,
        paris(2026, 1, 6, 12, 0),
        paris(2026, 1, 6, 14, 0),
    )
    assert on_duty(rota, paris(2026, 1, 6, 15, 0)).since == paris(2026, 1, 6, 14, 0)


def test_a_single_member_is_always_on_duty():
    alone = Rotation(members=(LEA,), starts_on=date(2026, 1, 5))
    duty = on_duty(alone, paris(2026, 6, 1, 12, 0))
    assert (duty.user_id, duty.since, duty.until) == (LEA, None, None)
    assert next_on_duty(alone, paris(2026, 6, 1, 12, 0)) is None


def test_an_empty_rota_has_nobody():
    assert on_duty(Rotation(members=(), starts_on=date(2026, 1, 5)), paris(2026, 6, 1)).user_id is None


def test_naive_instants_are_refused():
    with pytest.raises(ValueError, match="aware"):
        who(WEEKLY, datetime(2026, 1, 5, 10, 0))


@given(
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 1, 1)),
    st.integers(min_value=1, max_value=14),
    st.integers(min_value=1, max_value=5),
)
def test_the_person_on_duty_holds_from_since_to_until_and_changes_there(moment, period, count):
    rota = Rotation(members=tuple(range(1, count + 1)), starts_on=date(2026, 1, 5), period_days=period)
    instant = moment.replace(tzinfo=PARIS)
    duty = on_duty(rota, instant)
    if count == 1:
        assert duty.until is None
        return
    assert duty.since is not None
    assert duty.until is not None
    assert duty.since <= instant < duty.until
    assert duty.until - duty.since <= timedelta(days=period, hours=1)
    assert who(rota, duty.since) == who(rota, duty.until - timedelta(microseconds=1)) == duty.user_id
    assert who(rota, duty.until) != duty.user_id
