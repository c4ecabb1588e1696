"""Procedure 000, "20 tickets a month", under the approval policy: the 21st request is
kept, the requester is told a supervisor must approve it, supervisors see it in the desk,
approving opens the ticket as of the time it was sent (the requester gets the number),
refusing tells the requester why."""

from __future__ import annotations

import base64
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from comptoir.accounts.models import Organisation
from comptoir.admission import services as admission
from comptoir.admission.models import HeldRequest
from comptoir.core import outbox
from comptoir.core.errors import InvalidTransition, PermissionDenied, ValidationError
from comptoir.tickets.models import Attachment, Message, Ticket
from comptoir.tickets.new_request import NewRequest
from tests.conftest import flush_mail
from tests.pages import by_testid, flashes

PARIS = ZoneInfo("Europe/Paris")
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@pytest.fixture
def used_up(desk):
    """The parish has used its 20 requests of November; beyond them, a supervisor approves."""
    Organisation.objects.filter(pk=desk.parish.pk).update(quota_policy="approval")
    with time_machine.travel(paris(2026, 11, 20, 9, 0), tick=False):
        for i in range(20):
            desk.open(subject=f"Demande {i}")
    flush_mail()
    return desk


def send_21st(client, desk, **extra):
    client.force_login(desk.requester)
    with time_machine.travel(paris(2026, 11, 20, 10, 0), tick=False):
        return client.post(
            "/portal/new/",
            {
                "subject": "Ajouter une page Horaires des messes",
                "body": "Pouvez-vous créer la page ?",
                **extra,
            },
        )


def test_the_21st_request_from_the_portal_is_kept_and_the_page_says_a_supervisor_must_approve(
    used_up, client
):
    desk = used_up
    response = send_21st(client, desk)

    assert response.status_code == 200
    [shown] = by_testid(response.content, "held")
    assert shown.attrs["data-reason"] == "quota_approval"
    assert "20" in shown.text
    assert Ticket.objects.count() == 20
    held = HeldRequest.objects.get()
    assert (held.requester, held.organisation, held.channel, held.state) == (
        desk.requester,
        desk.parish,
        "portal",
        "held",
    )
    assert held.received_at == paris(2026, 11, 20, 10, 0)


def test_supervisors_see_the_request_awaiting_approval_with_a_count_agents_do_not(used_up, client):
    desk = used_up
    send_21st(client, desk)
    held = HeldRequest.objects.get()

    client.force_login(desk.supervisor)
    queue = client.get("/desk/")
    assert by_testid(queue.content, "held-count")[0].text == "1"
    listing = client.get("/desk/held/")
    [row] = by_testid(listing.content, "held-row")
    assert row.attrs["data-reason"] == "quota_approval"
    assert f"/desk/held/{held.pk}/" in row.links
    assert client.get(f"/desk/held/{held.pk}/").status_code == 200

    client.force_login(desk.l1)
    assert not by_testid(client.get("/desk/").content, "held-count")
    assert not by_testid(client.get("/desk/held/").content, "held-row")
    assert client.get(f"/desk/held/{held.pk}/").status_code == 404
    assert client.post(f"/desk/held/{held.pk}/approve/").status_code == 404
    with pytest.raises(PermissionDenied):
        admission.approve(held, by=desk.l1)

    client.force_login(desk.requester)
    assert client.get(f"/desk/held/{held.pk}/").status_code == 403  # the desk is for the team


def test_approving_opens_the_ticket_as_of_the_original_time_and_tells_the_requester_its_number(
    used_up, client
):
    desk = used_up
    send_21st(client, desk, attachments=[_png()])
    held = HeldRequest.objects.get()
    client.force_login(desk.supervisor)

    with time_machine.travel(paris(2026, 11, 23, 11, 0), tick=False):
        response = client.post(f"/desk/held/{held.pk}/approve/", {"note": "Accordé : chantier de Noël."})
        outbox.deliver_due()

    held.refresh_from_db()
    ticket = held.ticket
    assert response.status_code == 302
    assert response.url == f"/desk/tickets/{ticket.number}/"
    assert (held.state, held.decided_by, held.decided_at) == (
        "approved",
        desk.supervisor,
        paris(2026, 11, 23, 11, 0),
    )
    # The ticket keeps the time the request was sent: it counts in November, its SLA
    # from then.
    assert ticket.created_at == paris(2026, 11, 20, 10, 0)
    assert (ticket.requester, ticket.organisation, ticket.subject) == (
        desk.requester,
        desk.parish,
        "Ajouter une page Horaires des messes",
    )
    assert ticket.messages.filter(kind="public").get().body_text == "Pouvez-vous créer la page ?"
    note = ticket.messages.get(kind=Message.Kind.INTERNAL)
    assert "Accordé : chantier de Noël." in note.body_text
    assert Attachment.objects.get(ticket=ticket).filename == "capture.png"
    # The requester gets one mail: the number.
    [approved] = mail.outbox
    assert approved.to == [desk.requester.email]
    assert approved.subject.startswith(f"[#{ticket.number}] ")
    assert f"#{ticket.number}" in approved.body
    # Approved, it leaves the list and the count.
    assert not by_testid(client.get("/desk/held/").content, "held-row")
    assert not by_testid(client.get("/desk/").content, "held-count")


def test_refusing_tells_the_requester_why_and_opens_nothing(used_up, client):
    desk = used_up
    send_21st(client, desk)
    held = HeldRequest.objects.get()
    client.force_login(desk.supervisor)

    without_reason = client.post(f"/desk/held/{held.pk}/refuse/", {"note": ""})
    assert without_reason.status_code == 400
    assert flashes(without_reason.content)[0][0] == "danger"

    client.post(
        f"/desk/held/{held.pk}/refuse/",
        {"note": "Le forfait de novembre est épuisé ; merci d'attendre le 1er."},
    )

    held.refresh_from_db()
    assert (held.state, held.ticket) == ("refused", None)
    assert Ticket.objects.count() == 20
    outbox.deliver_due()
    [refusal] = mail.outbox
    assert refusal.to == [desk.requester.email]
    assert "Ajouter une page Horaires des messes" in refusal.subject
    assert "Le forfait de novembre est épuisé" in refusal.body
    assert "Auto-Submitted" not in refusal.extra_headers  # a person decided: one may answer


@time_machine.travel(paris(2026, 11, 20, 10, 0), tick=False)
def test_a_request_is_decided_once(used_up):
    desk = used_up
    held = admission.submit(
        NewRequest(requester=desk.requester, subject="La 21e", body="…", channel="portal")
    )
    admission.approve(held, by=desk.supervisor)
    stale = HeldRequest.objects.get(pk=held.pk)
    stale.state = "held"  # a second supervisor's page, loaded before the first decided

    with pytest.raises(InvalidTransition):
        admission.approve(stale, by=desk.admin)
    with pytest.raises(InvalidTransition):
        admission.refuse(stale, by=desk.admin, reason="Non")
    assert Ticket.objects.count() == 21


@time_machine.travel(paris(2026, 11, 20, 10, 0), tick=False)
def test_a_refusal_needs_a_reason(used_up):
    desk = used_up
    held = admission.submit(
        NewRequest(requester=desk.requester, subject="La 21e", body="…", channel="portal")
    )
    with pytest.raises(ValidationError):
        admission.refuse(held, by=desk.supervisor, reason="  ")
    assert HeldRequest.objects.get().state == "held"


def _png():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("capture.png", PNG, content_type="image/png")


@time_machine.travel(paris(2026, 11, 20, 10, 0), tick=False)
def test_an_approved_request_comes_back_whole_with_its_severity_and_the_people_in_copy(used_up):
    """One request value from the door to the record: what was kept is what opens."""
    desk = used_up
    request = NewRequest(
        requester=desk.requester,
        subject="Le site est inaccessible",
        body="Plus rien ne s'affiche depuis ce matin.",
        channel="email",
        type="incident",
        severity="blocking",
        priority="high",
        product=desk.product,
        component=desk.component,
        followers=(desk.site_owner,),
        details={"page_url": "https://saint-seurin.example/"},
    )
    held = admission.submit(request)
    assert isinstance(held, HeldRequest)
    assert admission.held_request(HeldRequest.objects.get(pk=held.pk)).but(attachments=()) == request
    ticket = admission.approve(HeldRequest.objects.get(pk=held.pk), by=desk.supervisor)
    assert (ticket.type, ticket.severity, ticket.priority) == ("incident", "blocking", "high")
    assert (ticket.product, ticket.component) == (desk.product, desk.component)
    assert list(ticket.followers.all()) == [desk.site_owner]
    assert ticket.details == {"page_url": "https://saint-seurin.example/"}
    assert ticket.created_at == paris(2026, 11, 20, 10, 0)
