"""Limits that hold whatever the door: the files of one message together, the files of a
ticket over its life, the text of a message, and a request body refused before it is read.
Each refusal says which limit; a mail is never refused — it is shortened or loses the files
beyond the limits, its sender is told (a few times an hour at most), its original is kept."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comptoir.core import outbox
from comptoir.mail.inbound import pipeline
from comptoir.mail.models import InboundMail, Mailbox
from comptoir.tickets.models import Attachment, Ticket

KIB = 1024


@pytest.fixture
def small_limits(settings):  # type: ignore[no-untyped-def]
    settings.COMPTOIR_MAX_ATTACHMENT_BYTES = 300 * KIB
    settings.COMPTOIR_MAX_UPLOAD_BYTES = 500 * KIB
    settings.COMPTOIR_MAX_TICKET_FILES_BYTES = 800 * KIB
    settings.COMPTOIR_MAX_REQUEST_BYTES = 600 * KIB
    settings.COMPTOIR_MAX_MESSAGE_CHARS = 5_000
    return settings


def pdf(name: str, size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * (size - 9), "application/pdf")


@pytest.mark.django_db
def test_a_request_body_beyond_the_limit_is_refused_before_it_is_read(desk, api_as, small_limits):
    ticket = desk.open()
    response = api_as(desk.requester).upload(
        f"/api/v1/tickets/{ticket.number}/attachments",
        {"files": [pdf(f"journal-{n}.pdf", 250 * KIB) for n in range(3)], "body": "Les journaux"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_files_beyond_the_total_of_one_message_are_refused_with_the_limit(desk, api_as, small_limits):
    ticket = desk.open()
    response = api_as(desk.requester).upload(
        f"/api/v1/tickets/{ticket.number}/attachments",
        {"files": [pdf("a.pdf", 280 * KIB), pdf("b.pdf", 280 * KIB)], "body": "Deux journaux"},
    )
    assert response.status_code == 400, response.content
    assert "500" in response.json()["detail"]
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_a_ticket_holds_files_up_to_its_total(desk, api_as, small_limits):
    ticket = desk.open()
    api = api_as(desk.requester)
    url = f"/api/v1/tickets/{ticket.number}/attachments"
    for n in range(2):
        assert (
            api.upload(url, {"files": [pdf(f"{n}.pdf", 290 * KIB)], "body": f"Partie {n}"}).status_code == 201
        )
    third = api.upload(url, {"files": [pdf("2.pdf", 290 * KIB)], "body": "Partie 2"})
    assert third.status_code == 400
    assert "800" in third.json()["detail"]
    assert Attachment.objects.count() == 2


@pytest.mark.django_db
def test_a_message_too_long_is_refused_on_the_portal_and_kept_in_the_form(desk, client, small_limits):
    client.force_login(desk.requester)
    ticket = desk.open()
    body = "Voici le journal complet :\n" + "ligne du journal\n" * 400
    url = f"/portal/tickets/{ticket.number}/reply/"
    response = client.post(url, {"body": body}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    page = response.content.decode()
    assert "trop long" in page
    assert "ligne du journal\nligne du journal" in page  # what was typed is still there
    assert ticket.messages.count() == 1


def mail_with(body: str, files: list[tuple[str, int]], n: int = 0) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Pierre Martin <pierremartin@example.org>"
    msg["To"] = "support@paroisse.example"
    msg["Subject"] = f"Journaux du serveur {n}"
    msg["Message-ID"] = f"<journaux-{n}@example.org>"
    msg.set_content(body)
    for name, size in files:
        msg.add_attachment(b"%PDF-1.4\n" + b"0" * size, maintype="application", subtype="pdf", filename=name)
    return msg.as_bytes()


@pytest.mark.django_db
def test_a_mail_too_long_is_shortened_and_its_original_kept(desk, small_limits, lost_mails):
    lost_mails.sent(1)
    mailbox = Mailbox.objects.create(name="Support", address="support@paroisse.example", product=desk.product)
    raw = mail_with("Bonjour,\n\n" + "Erreur 500 sur la page d'accueil.\n" * 2_000, [])
    outcome = pipeline.receive(raw, source=InboundMail.Source.PIPE, mailbox=mailbox)
    message = Ticket.objects.get(number=outcome.ticket_number).messages.get()
    assert len(message.body_text) <= 5_000
    assert message.body_text.endswith("[Message raccourci : le texte complet est dans l'e-mail d'origine.]")
    assert bytes(InboundMail.objects.get().raw) == raw


@pytest.mark.django_db
def test_a_mail_keeps_the_files_within_the_total_and_the_sender_is_told_a_few_times_an_hour(
    desk, small_limits, mailoutbox, lost_mails
):
    lost_mails.sent(8)
    mailbox = Mailbox.objects.create(name="Support", address="support@paroisse.example", product=desk.product)
    for n in range(8):
        raw = mail_with("Les journaux joints.", [("a.pdf", 280 * KIB), ("b.pdf", 280 * KIB)], n)
        outcome = pipeline.receive(raw, source=InboundMail.Source.PIPE, mailbox=mailbox)
        assert outcome.status == "new_ticket"
        ticket = Ticket.objects.get(number=outcome.ticket_number)
        assert list(ticket.attachments.values_list("filename", flat=True)) == ["a.pdf"]
    outbox.deliver_due()
    notices = [m for m in mailoutbox if "pierremartin@example.org" in m.to and "b.pdf" in m.body]
    assert 1 <= len(notices) <= 5
