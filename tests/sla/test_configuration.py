"""Service levels set by an administrator: targets as said, refusals, order, log, simulator."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from comptoir.calendars.models import Calendar
from comptoir.core import config_changes
from comptoir.core.errors import PermissionDenied
from comptoir.core.models import ConfigChange
from comptoir.sla import configuration
from comptoir.sla.configuration import PolicyInput, PolicyRefused
from comptoir.sla.models import SLAPolicy, SLATarget
from tests.sla.test_procedures import spec

PARIS = ZoneInfo("Europe/Paris")
H = timedelta(hours=1)


def urgent(**extra):
    return PolicyInput(name="Urgente", priorities=("urgent",), targets={"resolution": "4 h ouvrées"}, **extra)


def test_an_administrator_saves_targets_as_said_and_the_change_is_logged(desk):
    policy = configuration.save_policy(by=desk.admin, policy=None, data=urgent())
    target = policy.targets.get()
    assert (target.metric, target.duration, target.business_time, target.in_days) == (
        "resolution",
        4 * H,
        True,
        False,
    )
    change = ConfigChange.objects.get()
    assert change.by == desk.admin
    assert change.before is None
    assert change.after["targets"] == {"resolution": {"minutes": 240, "business": True, "in_days": False}}
    with translation.override("en"):
        assert ("Targets", "—", "Resolution: 4 business hours") in config_changes.describe(change)
        assert ("Priorities", "—", "Urgent") in config_changes.describe(change)

    data = PolicyInput(
        name="Urgente",
        priorities=("urgent", "high"),
        targets={"resolution": "2 jours ouvrés", "first_response": "1h30"},
    )
    configuration.save_policy(by=desk.admin, policy=policy, data=data)
    rows = {t.metric: t for t in SLATarget.objects.filter(policy=policy)}
    assert rows["resolution"].duration == 16 * H
    assert rows["resolution"].in_days
    assert rows["first_response"].duration == timedelta(minutes=90)
    last = ConfigChange.objects.order_by("-pk").first()
    assert last.before["priorities"] == ["urgent"]
    assert last.after["priorities"] == ["high", "urgent"]
    assert ("priorities", ["urgent"], ["high", "urgent"]) in last.differences()
    with translation.override("fr"):
        assert configuration.show_target(rows["resolution"]) == "2 jours ouvrés"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("0 h", "zero"),
        ("quatre heures", "cannot be read"),
        ("-2 h", "negative"),
    ],
)
def test_a_bad_target_is_refused_and_nothing_is_half_saved(desk, text, words):
    policy = configuration.save_policy(by=desk.admin, policy=None, data=urgent())
    data = PolicyInput(
        name="Renamed",
        priorities=("low",),
        targets={"first_response": "1 h", "resolution": text},
    )
    with translation.override("en"), pytest.raises(PolicyRefused) as refused:
        configuration.save_policy(by=desk.admin, policy=policy, data=data)
    assert words in refused.value.errors["target_resolution"]
    policy.refresh_from_db()
    assert policy.name == "Urgente"
    assert policy.priorities == ["urgent"]
    assert list(policy.targets.values_list("metric", "duration")) == [("resolution", 4 * H)]
    assert ConfigChange.objects.count() == 1


def test_refusals_say_what_to_write_in_the_users_language(desk):
    with translation.override("fr"), pytest.raises(PolicyRefused) as refused:
        configuration.save_policy(
            by=desk.admin, policy=None, data=PolicyInput(name="X", targets={"resolution": "0 h"})
        )
    assert "zéro" in refused.value.errors["target_resolution"]
    assert not SLAPolicy.objects.exists()


def test_a_name_and_one_target_are_needed_and_unknown_codes_refused(desk):
    with pytest.raises(PolicyRefused) as refused:
        configuration.save_policy(
            by=desk.admin, policy=None, data=PolicyInput(name=" ", priorities=("Urgente",), targets={})
        )
    assert set(refused.value.errors) == {"name", "priorities"}
    with pytest.raises(PolicyRefused) as refused:
        configuration.save_policy(by=desk.admin, policy=None, data=PolicyInput(name="Vide"))
    assert set(refused.value.errors) == {"targets"}
    assert not SLAPolicy.objects.exists()


def test_only_administrators_change_and_supervisors_read(desk):
    for person in (desk.supervisor, desk.l1, desk.requester):
        with pytest.raises(PermissionDenied):
            configuration.save_policy(by=person, policy=None, data=urgent())
    assert configuration.can_read(desk.supervisor)
    assert not configuration.can_read(desk.l1)
    assert not SLAPolicy.objects.exists()


def test_arrows_change_which_policy_applies_first(desk):
    everything = configuration.save_policy(
        by=desk.admin, policy=None, data=PolicyInput(name="Tout", targets={"resolution": "40 h"})
    )
    configuration.save_policy(by=desk.admin, policy=None, data=urgent())
    arrival = datetime(2026, 12, 7, 9, 0, tzinfo=PARIS)
    assert (
        configuration.simulate(
            type="incident", priority="urgent", severity="normal", arrival=arrival
        ).policy_name
        == "Tout"
    )
    configuration.move_policy(by=desk.admin, policy_id=everything.pk, up=False)
    assert [p.name for p in configuration.ordered_policies()] == ["Urgente", "Tout"]
    assert (
        configuration.simulate(
            type="incident", priority="urgent", severity="normal", arrival=arrival
        ).policy_name
        == "Urgente"
    )
    assert ConfigChange.objects.order_by("-pk").first().after == {"order": ["Urgente", "Tout"]}
    with pytest.raises(PermissionDenied):
        configuration.move_policy(by=desk.supervisor, policy_id=everything.pk, up=True)


def test_the_simulator_counts_on_the_policy_calendar(desk):
    calendar = Calendar.objects.create(name="Éditeur", spec=spec("09:00-12:00", "14:00-17:30"))
    configuration.save_policy(by=desk.admin, policy=None, data=urgent(calendar_id=calendar.pk))
    # Monday 7 December 2026, 16:00: 1 h 30 left that day, 2 h 30 the next morning.
    result = configuration.simulate(
        type="incident",
        priority="urgent",
        severity="normal",
        arrival=datetime(2026, 12, 7, 16, 0, tzinfo=PARIS),
    )
    assert result.policy_name == "Urgente"
    (due,) = result.dues
    assert due.metric == "resolution"
    assert due.due_at == datetime(2026, 12, 8, 11, 30, tzinfo=PARIS)
    nothing = configuration.simulate(
        type="incident", priority="low", severity="normal", arrival=datetime(2026, 12, 7, 16, 0, tzinfo=PARIS)
    )
    assert nothing.policy_name is None
