"""Procedure 002: "the support is offered to site editors and content owners; if you are
neither, contact your communication department". Others get a clear page or mail telling
them whom to contact, and what they sent is kept for an agent to review. The team logging
a call for someone decides for itself."""

from __future__ import annotations

import pytest
from django.core import mail

from comptoir.accounts import eligibility
from comptoir.accounts.models import Organisation, User
from comptoir.admission import services as admission
from comptoir.admission.models import HeldRequest
from comptoir.core import outbox
from comptoir.tickets.models import Ticket
from comptoir.tickets.new_request import NewRequest
from tests.pages import by_testid

CONTACT = "le service communication du diocèse (communication@diocese.example)"


@pytest.fixture
def served(desk):
    """The parish serves its site owners and editors only; the requester is a reader."""
    Organisation.objects.filter(pk=desk.parish.pk).update(
        eligible_roles=["owner", "editor"], support_contact=CONTACT
    )
    User.objects.filter(pk=desk.requester.pk).update(org_role="reader")
    desk.requester.refresh_from_db()
    return desk


def test_a_reader_is_told_whom_to_contact_before_typing_anything(served, client):
    client.force_login(served.requester)

    page = client.get("/portal/new/")

    [notice] = by_testid(page.content, "not-eligible")
    assert CONTACT in notice.text
    assert b'name="subject"' not in page.content


def test_an_editor_gets_the_form(served, client):
    User.objects.filter(pk=served.requester.pk).update(org_role="editor")
    client.force_login(served.requester)

    page = client.get("/portal/new/")

    assert not by_testid(page.content, "not-eligible")
    assert b'name="subject"' in page.content


def test_what_a_reader_sends_anyway_is_kept_for_an_agent(served, client):
    client.force_login(served.requester)

    response = client.post(
        "/portal/new/", {"subject": "Changer le logo", "body": "Le nouveau logo est joint."}
    )

    [shown] = by_testid(response.content, "held")
    assert shown.attrs["data-reason"] == "not_eligible"
    assert CONTACT in shown.text
    assert not Ticket.objects.exists()
    held = HeldRequest.objects.get()
    assert (held.reason, held.state, held.subject) == ("not_eligible", "held", "Changer le logo")


def test_agents_review_ineligible_requests_and_may_open_a_ticket_anyway(served, client):
    held = admission.submit(
        NewRequest(requester=served.requester, subject="Changer le logo", body="…", channel="portal")
    )
    client.force_login(served.l1)

    assert by_testid(client.get("/desk/").content, "held-count")[0].text == "1"
    [row] = by_testid(client.get("/desk/held/").content, "held-row")
    assert row.attrs["data-reason"] == "not_eligible"

    response = client.post(f"/desk/held/{held.pk}/approve/", {"note": "Le curé confirme."})

    held.refresh_from_db()
    assert held.state == "approved"
    assert response.url == f"/desk/tickets/{held.ticket.number}/"
    assert held.ticket.requester == served.requester


def test_an_agent_may_dismiss_without_a_further_mail(served):
    held = admission.submit(NewRequest(requester=served.requester, subject="Pub", body="…", channel="portal"))
    admission.dismiss(held, by=served.l1, note="Démarchage.")
    outbox.deliver_due()
    assert HeldRequest.objects.get().state == "dismissed"
    assert mail.outbox == []


def test_the_team_logging_a_call_for_a_reader_is_not_blocked(served):
    ticket = served.open(by=served.l1, channel="phone")
    assert ticket.requester == served.requester
    assert not HeldRequest.objects.exists()


def test_everyone_may_open_tickets_where_no_role_is_listed(desk):
    User.objects.filter(pk=desk.requester.pk).update(org_role="reader")
    desk.requester.refresh_from_db()
    assert eligibility.may_open_tickets(desk.requester)
    assert isinstance(desk.open(), Ticket)


def test_the_rules_cost_no_query_once_read(served, django_assert_num_queries):
    eligibility.rule_for(served.parish.pk)  # read once, kept for TTL seconds
    with django_assert_num_queries(0):
        with pytest.raises(eligibility.NotEligible):
            eligibility.check(served.requester)
        eligibility.check(served.neighbour)
