"""A service shows the worst impact of its outages under way (pure rules)."""

from __future__ import annotations

from comptoir.outages import states


def test_a_service_without_outage_is_operational():
    assert states.worst([]) == "operational"


def test_the_worst_impact_wins_and_maintenance_is_the_mildest():
    assert states.worst(["degraded", "major", "partial"]) == "major"
    assert states.worst(["maintenance", "degraded"]) == "degraded"
    assert states.worst(["maintenance"]) == "maintenance"


def test_the_status_page_headline_is_the_worst_service_state():
    assert states.overall(["operational", "partial", "operational"]) == "partial"
    assert states.overall(["operational"]) == "operational"
