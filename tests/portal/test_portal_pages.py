"""The portal as requesters use it: open a request, follow it, answer, say it is solved
or reopen it, send screenshots."""

from __future__ import annotations

import base64
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comptoir.tickets import services
from comptoir.tickets.models import Attachment, Message, Ticket
from tests.pages import by_testid, flashes, invalid_fields, portal_list_numbers

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root) -> list[str]:
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def test_a_new_request_gets_its_number_and_opens_on_its_page(desk, client):
    client.force_login(desk.requester)

    response = client.post(
        "/portal/new/",
        {
            "subject": "Importer nos contacts dans Mailpoet",
            "product": desk.product.pk,
            "component": desk.component.pk,
            "body": "Comment importer la liste des paroissiens ?",
        },
        follow=True,
    )

    ticket = Ticket.objects.get()
    assert response.redirect_chain == [(f"/portal/tickets/{ticket.number}/", 302)]
    assert by_testid(response.content, "ticket-number")[0].text == f"#{ticket.number}"
    [(level, text)] = flashes(response.content)
    assert level == "success"
    assert f"#{ticket.number}" in text
    assert (ticket.requester, ticket.organisation, ticket.channel, ticket.group, ticket.component) == (
        desk.requester,
        desk.parish,
        "portal",
        desk.group_l1,
        desk.component,
    )
    assert by_testid(response.content, "message")[0].text.endswith(
        "Comment importer la liste des paroissiens ?"
    )
    assert portal_list_numbers(client.get("/portal/").content) == [ticket.number]


@pytest.mark.parametrize(
    ("form", "missing"),
    [
        ({"subject": "", "body": "Sans objet"}, ["subject"]),
        ({"subject": "Sans texte", "body": ""}, ["body"]),
        ({"subject": "   ", "body": "   "}, ["subject", "body"]),
    ],
)
def test_an_incomplete_request_is_shown_again_and_nothing_is_opened(desk, client, form, missing):
    client.force_login(desk.requester)

    response = client.post("/portal/new/", form)

    assert response.status_code == 200
    assert invalid_fields(response.content) == missing
    assert not Ticket.objects.exists()


def test_a_component_of_another_product_is_refused_with_the_reason(desk, client):
    client.force_login(desk.requester)

    response = client.post(
        "/portal/new/",
        {
            "subject": "Export",
            "product": desk.other_product.pk,
            "component": desk.component.pk,
            "body": "L'export ne marche plus.",
        },
    )

    assert response.status_code == 200
    assert 'class="alert alert-danger"' in response.content.decode()
    assert not Ticket.objects.exists()


def test_the_requester_answers_and_the_request_reopens(desk, client):
    ticket = desk.open(product=desk.product)
    services.reply(ticket, by=desk.l1, body="Quel format de fichier ?", set_status="pending")
    client.force_login(desk.requester)

    response = client.post(
        f"/portal/tickets/{ticket.number}/reply/", {"body": "Un fichier CSV exporté d'Excel."}, follow=True
    )

    assert response.redirect_chain == [(f"/portal/tickets/{ticket.number}/", 302)]
    assert flashes(response.content)[-1][0] == "success"
    assert "Un fichier CSV exporté d'Excel." in by_testid(response.content, "message")[-1].text
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert by_testid(response.content, "status")[0].attrs["data-status"] == "open"


def test_an_empty_answer_is_refused(desk, client):
    ticket = desk.open(product=desk.product)
    client.force_login(desk.requester)

    response = client.post(f"/portal/tickets/{ticket.number}/reply/", {"body": ""})

    assert response.status_code == 400
    assert ticket.messages.count() == 1


def status_buttons(html: bytes) -> list[str]:
    """What the page offers: the status each button on the side would set."""
    return re.findall(r'<input type="hidden" name="status" value="(\w+)">', html.decode())


def test_my_problem_is_solved_then_reopen(desk, client):
    ticket = desk.open(product=desk.product)
    client.force_login(desk.requester)
    page = client.get(f"/portal/tickets/{ticket.number}/")
    assert status_buttons(page.content) == ["resolved"]

    solved = client.post(f"/portal/tickets/{ticket.number}/status/", {"status": "resolved"}, follow=True)

    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    assert flashes(solved.content)[-1][0] == "success"
    assert status_buttons(solved.content) == ["open"]

    reopened = client.post(f"/portal/tickets/{ticket.number}/status/", {"status": "open"}, follow=True)

    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert flashes(reopened.content)[-1][0] == "success"
    assert status_buttons(reopened.content) == ["resolved"]
    assert list(ticket.events.values_list("kind", flat=True).order_by("at", "pk")) == [
        "created",
        "status_changed",
        "survey_sent",  # procedure 003: the requester is asked for their opinion
        "status_changed",
    ]


@pytest.mark.parametrize("target", ["on_hold", "pending", "closed", "nonsense"])
def test_a_requester_cannot_move_the_request_elsewhere(desk, client, target):
    ticket = desk.open(product=desk.product)
    client.force_login(desk.requester)

    response = client.post(f"/portal/tickets/{ticket.number}/status/", {"status": target}, follow=True)

    assert flashes(response.content)[-1][0] == "danger"
    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert ticket.events.count() == 1


def test_a_closed_request_takes_no_answer_and_offers_a_new_one(desk, client):
    ticket = desk.open(product=desk.product)
    services.change_status(ticket, to="resolved", by=desk.l1)
    services.change_status(ticket, to="closed", by=None)
    client.force_login(desk.requester)

    page = client.get(f"/portal/tickets/{ticket.number}/")
    answer = client.post(f"/portal/tickets/{ticket.number}/reply/", {"body": "Encore une question"})

    assert status_buttons(page.content) == []
    assert f'action="/portal/tickets/{ticket.number}/reply/"' not in page.content.decode()
    assert 'href="/portal/new/"' in page.content.decode()
    assert answer.status_code == 400
    assert flashes(answer.content)[-1][0] == "danger"
    assert ticket.messages.count() == 1


def test_the_list_filters_requests_in_progress_and_done(desk, client):
    active = desk.open(subject="Toujours en cours")
    done = desk.open(subject="Déjà réglée")
    services.change_status(done, to="resolved", by=desk.l1)
    client.force_login(desk.requester)

    assert portal_list_numbers(client.get("/portal/").content) == [done.number, active.number]
    assert portal_list_numbers(client.get("/portal/", {"status": "active"}).content) == [active.number]
    assert portal_list_numbers(client.get("/portal/", {"status": "done"}).content) == [done.number]


def test_the_organisation_admin_lists_the_organisation_requests_with_their_requesters(desk, client):
    mine = desk.open(requester=desk.site_owner, subject="Renouvellement du domaine")
    colleague = desk.open(subject="Mot de passe oublié")
    desk.open(requester=desk.neighbour, subject="Facture de la mairie")
    client.force_login(desk.site_owner)

    response = client.get("/portal/")

    assert portal_list_numbers(response.content) == [colleague.number, mine.number]
    assert desk.requester.display_name in by_testid(response.content, "ticket-list")[0].text


def test_a_screenshot_is_stored_with_the_type_its_content_shows(desk, client, media):
    client.force_login(desk.requester)
    # The browser said PDF and the name says PDF; the bytes are a PNG.
    screenshot = SimpleUploadedFile("capture.pdf", PNG, content_type="application/pdf")

    response = client.post(
        "/portal/new/",
        {"subject": "Page blanche", "body": "Voici ce que je vois.", "attachments": [screenshot]},
        follow=True,
    )

    attachment = Attachment.objects.get()
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        "capture.pdf",
        "image/png",
        len(PNG),
    )
    assert attachment.message == Message.objects.get()
    assert stored_files(media) == ["capture.pdf"]
    link = f"/portal/files/{attachment.pk}/capture.pdf"
    assert link in by_testid(response.content, "message")[0].links
    download = client.get(link)
    assert download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content) == PNG


def test_a_screenshot_can_come_with_an_answer(desk, client, media):
    ticket = desk.open(product=desk.product)
    client.force_login(desk.requester)

    client.post(
        f"/portal/tickets/{ticket.number}/reply/",
        {
            "body": "La capture :",
            "attachments": [SimpleUploadedFile("ecran.png", PNG, content_type="image/png")],
        },
    )

    attachment = Attachment.objects.get()
    assert (attachment.ticket, attachment.message.body_text, attachment.content_type) == (
        ticket,
        "La capture :",
        "image/png",
    )


def test_an_oversize_file_is_refused_with_its_name_and_nothing_is_kept(desk, client, settings, media):
    settings.COMPTOIR_MAX_ATTACHMENT_BYTES = 1024
    client.force_login(desk.requester)
    scan = SimpleUploadedFile("scan-complet.png", PNG + bytes(2048), content_type="image/png")

    response = client.post(
        "/portal/new/", {"subject": "Scan", "body": "Le scan du registre.", "attachments": [scan]}
    )

    assert response.status_code == 200
    assert "scan-complet.png" in response.content.decode()
    assert not Ticket.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_an_oversize_file_in_an_answer_is_refused_and_the_answer_not_sent(desk, client, settings, media):
    settings.COMPTOIR_MAX_ATTACHMENT_BYTES = 1024
    ticket = desk.open(product=desk.product)
    client.force_login(desk.requester)
    scan = SimpleUploadedFile("scan-complet.png", PNG + bytes(2048), content_type="image/png")

    response = client.post(
        f"/portal/tickets/{ticket.number}/reply/", {"body": "Le scan :", "attachments": [scan]}
    )

    assert response.status_code == 400
    [(level, text)] = flashes(response.content)
    assert level == "danger"
    assert "scan-complet.png" in text
    assert ticket.messages.count() == 1
    assert not Attachment.objects.exists()
    assert stored_files(media) == []
