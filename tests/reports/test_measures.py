"""Each measure's exact value on the known history (tests/reports/conftest.py)."""

from __future__ import annotations

from datetime import date

import pytest

from comptoir.reports import facts, history, measures, query, stats
from comptoir.reports.models import DailyFact, Fact
from comptoir.reports.query import Scope
from comptoir.tickets import services
from tests.reports.conftest import FILLED_AT, History, at, paris

APRIL_MAY = Scope(date(2026, 4, 1), date(2026, 5, 31))


def table(measure: str, scope: Scope = APRIL_MAY, group: str = stats.TOTAL) -> measures.Table:
    return measures.build(measure, scope, group, at=FILLED_AT)


def figures(t: measures.Table, row: int = 0) -> dict[str, object]:
    return {c.key: cell.value for c, cell in zip(t.columns, t.rows[row].cells, strict=True)}


def drilled(cell: measures.Cell) -> set[int]:
    scope = Scope.from_params(cell.drill, today=date(2026, 5, 7))
    return set(
        query.entries(scope, cell.drill["kind"], cell.drill.get("detail")).values_list(
            "ticket__number", flat=True
        )
    )


def test_response_times_in_business_hours_across_the_may_day_weekend(known_history: History):
    """First responses: T4 20 min (no calendar), T1 1 h, T3 1 h 30 (Friday 30 min, Monday
    1 h), T2 3 h (Thursday 1 h, then Friday 1 May and the weekend are closed, Monday 2 h)."""
    got = figures(table(measures.RESPONSE_TIMES))
    assert got["first_response_n"] == 4
    assert got["first_response_median"] == 1.25  # (1 h + 1 h 30) / 2
    assert got["first_response_p90"] == 2.55  # 9,180 s
    assert got["pick_up_n"] == 3
    assert got["pick_up_median"] == 0.75  # T3: Friday 16:30-17:00 and Monday 9:30-9:45
    assert got["pick_up_p90"] == 1.75  # 6,300 s
    # Resolutions: T1 7 h 30, T3 7 h 30 then 9 h 30 (reopened), T2 8 h 30.
    assert got["resolution_n"] == 4
    assert got["resolution_median"] == 8.0
    assert got["resolution_p90"] == 9.2  # 33,120 s
    # Acknowledgement (comptoir.tickets.history): taking or answering — T1 30 min, T3 45 min
    # (taken Monday 9:45), T2 2 h, T4 20 min. Escalating (T5) or removing an urgency (T6)
    # is not an acknowledgement: nobody answered or took the request.
    assert got["acknowledgement_n"] == 4
    assert got["acknowledgement_median"] == 0.62


def test_response_times_in_elapsed_time_on_demand(known_history: History):
    plain = Scope(APRIL_MAY.start, APRIL_MAY.end, clock=query.PLAIN)
    got = figures(table(measures.RESPONSE_TIMES, plain))
    # T2 answered 91 h 30 after it arrived (Thursday 16:00 to Monday 11:30).
    values = sorted(Fact.objects.filter(kind="first_response").values_list("plain", flat=True))
    assert values == [1200, 3600, 66 * 3600, 91 * 3600 + 1800]
    assert got["first_response_median"] == round(stats.percentile(values, 0.5) / 3600, 2)


def test_sla_compliance_per_target(known_history: History):
    """Acknowledgement within 1 business hour: T1, T4 and T3 (due Monday 10:00, taken at
    9:45) met; T2 (due Thursday 17:00) breached; T5 handed over to L2 after 30 minutes."""
    got = figures(table(measures.SLA))
    assert got["acknowledgement_met"] == 3
    assert got["acknowledgement_breached"] == 1
    assert got["acknowledgement_handed_over"] == 1
    assert got["acknowledgement_met_share"] == 60.0
    assert (got["pick_up_met"], got["pick_up_breached"], got["pick_up_handed_over"]) == (3, 0, 1)
    assert (got["resolution_met"], got["resolution_breached"], got["resolution_handed_over"]) == (3, 0, 1)


def test_sla_breach_counts_on_the_day_it_fell_due(known_history: History):
    t = table(measures.SLA, group=stats.DAY)
    row = next(r for r in t.rows if r.key == "2026-04-30")
    cell = row.cells[[c.key for c in t.columns].index("acknowledgement_breached")]
    assert cell.value == 1
    assert drilled(cell) == known_history.numbers(known_history.t2)


def test_volume_in_and_out_per_month(known_history: History):
    h = known_history
    t = table(measures.VOLUME, group=stats.MONTH)
    assert [r.key for r in t.rows] == ["2026-04-01", "2026-05-01"]
    assert figures(t, 0) == {"received": 3, "resolved": 3, "closed": 0}
    assert figures(t, 1) == {"received": 3, "resolved": 1, "closed": 0}
    assert drilled(t.rows[0].cells[0]) == h.numbers(h.t1, h.t2, h.t3)
    assert drilled(t.rows[0].cells[1]) == h.numbers(h.t1, h.t3)  # T3 twice


def test_reopen_rate(known_history: History):
    assert figures(table(measures.REOPEN)) == {"resolved": 4, "reopened": 1, "rate": 25.0}


def test_satisfaction(known_history: History):
    got = figures(table(measures.SATISFACTION))
    assert got["sent"] == 4  # T1, T2, and T3 twice
    assert got["answered"] == 2
    assert got["response_rate"] == 50.0
    assert got["answers"] == 2
    assert got["average"] == 3.5
    assert [got[f"rating_{r}"] for r in range(1, 6)] == [0, 1, 0, 0, 1]


def test_quota_use_per_organisation_and_month(known_history: History):
    t = table(measures.QUOTA)
    parish = next(r for r in t.rows if r.label == "Paroisse Saint-Seurin")
    assert [c.text for c in parish.cells] == ["20", "3 / 20", "2 / 20"]
    town = next(r for r in t.rows if r.label == "Mairie de Villeneuve")
    assert [c.text for c in town.cells] == ["20", "0 / 20", "1 / 20"]
    assert drilled(parish.cells[1]) == known_history.numbers(
        known_history.t1, known_history.t2, known_history.t3
    )
    assert drilled(parish.cells[2]) == known_history.numbers(known_history.t5, known_history.t6)


def test_urgent_flags_and_downgrades_per_requester(known_history: History):
    t = table(measures.URGENCY)
    assert len(t.rows) == 1
    assert t.rows[0].key == str(known_history.desk.requester.pk)
    assert [c.value for c in t.rows[0].cells] == [1, 1, 100.0]
    assert drilled(t.rows[0].cells[1]) == {known_history.t6.number}


def test_backlog_now_by_status_and_age(known_history: History):
    with at(FILLED_AT):
        t = table(measures.BACKLOG)
    counts = {r.key: figures(t, i)["total"] for i, r in enumerate(t.rows)}
    # Open: T4 (answered), T5 (escalated, new), T6 (new); T1, T2, T3 resolved.
    assert counts == {"new": 2, "open": 1, "pending": 0, "on_hold": 0}
    assert figures(t, 0)["0-1"] == 2  # T5 and T6, received less than a day ago
    assert figures(t, 1)["1-3"] == 1  # T4, two days ago


def test_recorded_at_the_time_does_not_move_when_a_ticket_is_requalified_today(known_history: History):
    """Last month's report by priority: T1 was normal in April. Requalified high today, it
    stays normal in April's report; as of now, it is high."""
    h = known_history
    april = Scope(date(2026, 4, 1), date(2026, 4, 30))
    before = figures(table(measures.VOLUME, april, "priority"))
    with at(paris(2026, 5, 7, 9, 0)):
        services.requalify(h.t1, by=h.desk.l1, reason="Client important", priority="high")
        facts.refresh()
    assert figures(table(measures.VOLUME, april, "priority")) == before
    recorded = table(measures.VOLUME, april, "priority")
    assert [r.key for r in recorded.rows] == ["normal"]
    now = table(measures.VOLUME, Scope(april.start, april.end, mode=query.NOW), "priority")
    assert {r.key: figures(now, i)["received"] for i, r in enumerate(now.rows)} == {"high": 1, "normal": 2}


def test_the_qualification_of_the_day_counts(known_history: History):
    """T6 arrived as a question and was requalified as an incident the same afternoon:
    received as an incident."""
    t = table(measures.VOLUME, Scope(date(2026, 5, 6), date(2026, 5, 6)), "type")
    assert {r.key: figures(t, i)["received"] for i, r in enumerate(t.rows)} == {"incident": 1, "question": 1}


def test_daily_rollups_and_facts_give_the_same_figures(known_history: History):
    one = Scope(APRIL_MAY.start, APRIL_MAY.end, (("organisation", str(known_history.desk.parish.pk)),))
    two = Scope(
        APRIL_MAY.start,
        APRIL_MAY.end,
        (("organisation", str(known_history.desk.parish.pk)), ("priority", "normal")),
    )
    assert query.uses_rollup(one, None)
    assert not query.uses_rollup(two, None)
    for measure in (measures.RESPONSE_TIMES, measures.SLA, measures.VOLUME, measures.SATISFACTION):
        from_rollups, from_facts = table(measure, one), table(measure, two)
        assert from_rollups.source == "daily"
        assert from_facts.source == "facts"
        assert figures(from_rollups) == figures(from_facts), measure


def test_refresh_is_idempotent(known_history: History):
    rows = sorted(DailyFact.objects.values_list("day", "dim", "value", "kind", "detail", "count"))
    entries = Fact.objects.count()
    with at(FILLED_AT):
        facts.refresh()
        facts.rebuild()
    assert sorted(DailyFact.objects.values_list("day", "dim", "value", "kind", "detail", "count")) == rows
    assert Fact.objects.count() == entries


def test_an_sla_outcome_is_recorded_once(known_history: History):
    """T1 acknowledged in time under procedure 000; a policy change later recomputes its
    live clocks, but the outcome recorded stays."""
    from comptoir.sla.models import SLAClock

    SLAClock.objects.filter(ticket=known_history.t1, metric="acknowledgement").update(state="breached")
    with at(FILLED_AT):
        facts.rebuild()
    assert Fact.objects.get(
        ticket=known_history.t1, kind=history.SLA, detail__startswith="acknowledgement"
    ).detail == ("acknowledgement:met")


@pytest.mark.parametrize("measure", measures.MEASURES)
def test_every_measure_groups_by_every_dimension(known_history: History, measure: str):
    for group in measures.GROUPS:
        built = measures.build(measure, APRIL_MAY, group, at=FILLED_AT)
        for row in built.rows:
            assert len(row.cells) == len(built.columns)
