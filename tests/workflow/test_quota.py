"""Procedure 000: 20 requests a month, and everyone can see how many are left."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from comptoir.accounts.models import Organisation
from comptoir.admission import services as admission
from comptoir.admission.models import HeldRequest
from comptoir.tickets.models import Ticket
from comptoir.tickets.new_request import NewRequest
from comptoir.workflow import quota

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def open_many(desk, n: int) -> None:
    for i in range(n):
        desk.open(subject=f"Demande {i}")


@pytest.mark.parametrize("policy", ["warn", "approval", "refuse"])
def test_the_21st_request_of_the_month_under_each_policy(desk, policy):
    Organisation.objects.filter(pk=desk.parish.pk).update(quota_policy=policy)
    with time_machine.travel(paris(2026, 11, 20, 10, 0), tick=False):
        open_many(desk, 20)
        if policy == "refuse":
            with pytest.raises(quota.QuotaExceeded, match="20"):
                desk.open(subject="La 21e")
            desk.open(subject="Appel urgent noté par l'agent", by=desk.l1)  # the team may still log one
        elif policy == "approval":
            # Kept, not opened: a supervisor approves it (tests/admission).
            held = admission.submit(
                NewRequest(requester=desk.requester, subject="La 21e", body="…", channel="portal")
            )
            assert isinstance(held, HeldRequest)
            assert (held.reason, held.state) == ("quota_approval", "held")
            assert "20" in held.explanation
            assert Ticket.objects.filter(organisation=desk.parish).count() == 20
            desk.open(subject="Appel urgent noté par l'agent", by=desk.l1)  # the team may still log one
        else:
            desk.open(subject="La 21e")
    assert Ticket.objects.filter(organisation=desk.parish).count() == 21


def test_under_the_approval_policy_the_counter_resets_on_the_first_in_paris_time(desk):
    Organisation.objects.filter(pk=desk.parish.pk).update(quota_policy="approval")
    with time_machine.travel(paris(2026, 11, 30, 23, 30), tick=False):
        open_many(desk, 20)
        with pytest.raises(quota.ApprovalRequired):
            desk.open(subject="Trop tard en novembre")
    with time_machine.travel(paris(2026, 12, 1, 0, 5), tick=False):  # still November in UTC
        ticket = admission.submit(
            NewRequest(requester=desk.requester, subject="Premier de décembre", body="…", channel="portal")
        )
        assert isinstance(ticket, Ticket)
        assert not HeldRequest.objects.exists()


def test_the_counter_resets_on_the_first_in_paris_time(desk):
    Organisation.objects.filter(pk=desk.parish.pk).update(quota_policy="refuse")
    with time_machine.travel(paris(2026, 11, 30, 23, 30), tick=False):
        open_many(desk, 20)
        with pytest.raises(quota.QuotaExceeded):
            desk.open(subject="Trop tard en novembre")
    with time_machine.travel(paris(2026, 12, 1, 0, 5), tick=False):  # still November in UTC
        desk.open(subject="Premier de décembre")
        assert quota.usage(desk.parish.pk, at=paris(2026, 12, 1, 0, 5)).remaining == 19


def test_requesters_and_agents_see_how_many_requests_remain(desk, client):
    with time_machine.travel(paris(2026, 11, 20, 10, 0), tick=False):
        open_many(desk, 3)
        client.force_login(desk.requester)
        page = client.get("/portal/new/").content.decode()
        assert 'data-testid="quota" data-remaining="17"' in page
        assert 'data-remaining="17"' in client.get("/portal/").content.decode()
        ticket = Ticket.objects.filter(organisation=desk.parish).first()
        client.force_login(desk.l1)
        assert 'data-remaining="17"' in client.get(f"/desk/tickets/{ticket.number}/").content.decode()


def test_an_allowance_of_one_is_told_in_the_singular(desk):
    """Procedure 000 speaks of 20 requests; a small contract of one request reads right too."""
    desk.parish.monthly_ticket_quota = 1
    desk.parish.quota_policy = "refuse"
    desk.parish.save()
    desk.open()
    with pytest.raises(quota.QuotaExceeded) as refused:
        desk.open(subject="Deuxième demande")
    assert "sa demande de ce mois-ci (1 prévue au contrat)" in refused.value.message
