"""SLA clocks derived from a ticket's history (pure: no database)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from comptoir.calendars import BusinessCalendar
from comptoir.sla import clocks
from comptoir.sla.clocks import Fact, Segment, Target, WallClock

PARIS = ZoneInfo("Europe/Paris")
H = timedelta(hours=1)

SPYRIT = BusinessCalendar.from_spec(
    {
        "timezone": "Europe/Paris",
        "week": {d: ["09:30-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")} | {"sat": [], "sun": []},
        "holidays": {"country": "FR", "subdivision": None},
        "holiday_hours": [],
        "closures": [],
        "openings": {},
    }
)


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def derive(facts, targets, *, now, end=None, start=None, cal=SPYRIT, pause_on_hold=False):
    start = start or facts[0].at
    segment = Segment(start=start, end=end, facts=tuple(facts))
    return {
        (s.metric, s.cycle): s
        for s in clocks.derive(segment, targets, clock=cal, pause_on_hold=pause_on_hold, now=now)
    }


def test_ticket_sent_on_saturday_counts_from_monday_0930():
    sent = paris(2026, 11, 21, 10, 0)
    states = derive([Fact(sent, clocks.STATUS, "new")], [Target("acknowledgement", 1 * H)], now=sent)
    ack = states[("acknowledgement", 0)]
    assert ack.state == "running"
    assert ack.due_at == paris(2026, 11, 23, 10, 30)
    assert ack.remaining == 1 * H


def test_first_agent_answer_meets_acknowledgement_and_first_response():
    sent = paris(2026, 11, 24, 15, 0)
    facts = [Fact(sent, clocks.STATUS, "new"), Fact(paris(2026, 11, 24, 15, 40), clocks.AGENT_REPLY)]
    states = derive(
        facts,
        [Target("acknowledgement", 1 * H), Target("first_response", 4 * H)],
        now=paris(2026, 11, 24, 16, 0),
    )
    assert states[("acknowledgement", 0)].state == "met"
    assert states[("acknowledgement", 0)].ended_at == paris(2026, 11, 24, 15, 40)
    assert states[("first_response", 0)].state == "met"


def test_an_answer_after_the_due_time_is_a_breach_met_late():
    sent = paris(2026, 11, 24, 15, 0)
    facts = [Fact(sent, clocks.STATUS, "new"), Fact(paris(2026, 11, 24, 16, 30), clocks.AGENT_REPLY)]
    states = derive(facts, [Target("acknowledgement", 1 * H)], now=paris(2026, 11, 25, 9, 0))
    assert states[("acknowledgement", 0)].state == "breached"
    assert states[("acknowledgement", 0)].ended_at == paris(2026, 11, 24, 16, 30)


def test_running_clock_past_its_due_time_is_breached():
    sent = paris(2026, 11, 24, 15, 0)
    states = derive(
        [Fact(sent, clocks.STATUS, "new")], [Target("pick_up", 4 * H)], now=paris(2026, 11, 25, 12, 0)
    )
    assert states[("pick_up", 0)].due_at == paris(2026, 11, 25, 11, 30)
    assert states[("pick_up", 0)].state == "breached"


def test_pending_pauses_resolution_and_the_due_time_moves_by_the_pause():
    sent = paris(2026, 11, 23, 10, 0)  # Monday
    facts = [
        Fact(sent, clocks.STATUS, "new"),
        Fact(paris(2026, 11, 23, 11, 0), clocks.STATUS, "pending"),
        Fact(paris(2026, 11, 24, 11, 0), clocks.STATUS, "open"),  # the requester answered a day later
    ]
    states = derive(facts, [Target("resolution", 15 * H)], now=paris(2026, 11, 24, 12, 0))
    resolution = states[("resolution", 0)]
    # 1 h worked on Monday, paused 7.5 business hours, 14 h left from Tuesday 11:00:
    # 6 h Tuesday (to 17:00), 7.5 h Wednesday, 0.5 h Thursday -> Thursday 10:00.
    assert resolution.due_at == paris(2026, 11, 26, 10, 0)
    assert resolution.paused == timedelta(hours=7, minutes=30)
    assert resolution.state == "running"


def test_while_pending_the_clock_is_paused_with_its_remaining_time():
    sent = paris(2026, 11, 23, 10, 0)
    facts = [Fact(sent, clocks.STATUS, "new"), Fact(paris(2026, 11, 23, 11, 0), clocks.STATUS, "pending")]
    states = derive(facts, [Target("resolution", 15 * H)], now=paris(2026, 11, 30, 12, 0))
    resolution = states[("resolution", 0)]
    assert resolution.state == "paused"
    assert resolution.due_at is None
    assert resolution.remaining == 14 * H


def test_on_hold_pauses_only_when_the_policy_says_so():
    sent = paris(2026, 11, 23, 10, 0)
    facts = [
        Fact(sent, clocks.STATUS, "new"),
        Fact(paris(2026, 11, 23, 11, 0), clocks.STATUS, "on_hold"),
        Fact(paris(2026, 11, 23, 13, 0), clocks.STATUS, "open"),
    ]
    kept = derive(facts, [Target("resolution", 4 * H)], now=paris(2026, 11, 23, 13, 0))
    paused = derive(facts, [Target("resolution", 4 * H)], now=paris(2026, 11, 23, 13, 0), pause_on_hold=True)
    assert kept[("resolution", 0)].due_at == paris(2026, 11, 23, 14, 0)
    assert paused[("resolution", 0)].due_at == paris(2026, 11, 23, 16, 0)


def test_escalation_hands_over_unmet_clocks_but_keeps_a_breach():
    sent = paris(2026, 11, 24, 9, 30)
    escalated = paris(2026, 11, 24, 11, 0)
    facts = [Fact(sent, clocks.STATUS, "new"), Fact(escalated, clocks.ESCALATED, "L2")]
    states = derive(
        facts,
        [Target("acknowledgement", 1 * H), Target("resolution", 15 * H)],
        now=paris(2026, 11, 24, 12, 0),
        end=escalated,
    )
    assert states[("acknowledgement", 0)].state == "breached"  # due 10:30, before the hand-over
    assert states[("resolution", 0)].state == "handed_over"
    assert states[("resolution", 0)].ended_at == escalated


def test_resolution_met_when_resolved_and_runs_again_when_reopened():
    sent = paris(2026, 11, 23, 10, 0)
    facts = [
        Fact(sent, clocks.STATUS, "new"),
        Fact(paris(2026, 11, 23, 12, 0), clocks.STATUS, "resolved"),
    ]
    assert (
        derive(facts, [Target("resolution", 4 * H)], now=paris(2026, 11, 23, 13, 0))[("resolution", 0)].state
        == "met"
    )
    facts.append(Fact(paris(2026, 11, 23, 15, 0), clocks.STATUS, "open"))
    reopened = derive(facts, [Target("resolution", 4 * H)], now=paris(2026, 11, 23, 15, 0))[("resolution", 0)]
    assert reopened.state == "running"
    # 2 h used before the resolution; the 3 resolved hours do not count: 2 h left from 15:00.
    assert reopened.due_at == paris(2026, 11, 23, 17, 0)


def test_next_response_starts_a_clock_for_each_requester_message_after_an_answer():
    t = paris(2026, 11, 23, 10, 0)
    facts = [
        Fact(t, clocks.STATUS, "new"),
        Fact(t + 1 * H, clocks.AGENT_REPLY),
        Fact(t + 2 * H, clocks.REQUESTER_REPLY),
        Fact(t + 3 * H, clocks.AGENT_REPLY),
        Fact(t + 4 * H, clocks.REQUESTER_REPLY),
        Fact(t + timedelta(hours=4, minutes=10), clocks.REQUESTER_REPLY),  # same wait: no new clock
    ]
    states = derive(facts, [Target("next_response", 2 * H)], now=t + 5 * H)
    assert sorted(states) == [("next_response", 0), ("next_response", 1)]
    assert states[("next_response", 0)].state == "met"
    assert states[("next_response", 1)].state == "running"
    assert states[("next_response", 1)].started_at == t + 4 * H


def test_plain_time_targets_ignore_business_hours():
    sent = datetime(2026, 11, 21, 10, 0, tzinfo=ZoneInfo("UTC"))
    states = derive(
        [Fact(sent, clocks.STATUS, "new")], [Target("acknowledgement", 1 * H)], now=sent, cal=WallClock()
    )
    assert states[("acknowledgement", 0)].due_at == sent + 1 * H


def test_warning_time_is_the_share_of_the_target_in_business_time():
    sent = paris(2026, 11, 24, 15, 0)
    states = derive([Fact(sent, clocks.STATUS, "new")], [Target("pick_up", 4 * H, warn_share=0.75)], now=sent)
    assert states[("pick_up", 0)].warn_at == paris(2026, 11, 25, 10, 30)
