"""Portal and API requests have no mailbox: their mails still carry a Reply-To that Comptoir
reads, so that answering by mail reaches the ticket."""

from __future__ import annotations

from django.core import mail

from comptoir.mail.models import Mailbox
from comptoir.tickets import services
from tests.conftest import flush_mail


def _show(message) -> None:  # type: ignore[no-untyped-def]
    print(
        f"\nTo: {message.to}\nSubject: {message.subject}\nReply-To: {message.extra_headers.get('Reply-To')}"
    )
    print(message.body)


def test_a_portal_request_s_mails_answer_to_the_default_mailbox(desk, django_capture_on_commit_callbacks):
    Mailbox.objects.create(name="Ancienne", address="ancien@comptoir.example", is_active=False)
    Mailbox.objects.create(name="Support", address="support@comptoir.example")
    Mailbox.objects.create(name="Ventes", address="ventes@comptoir.example")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = desk.open(subject="Les images ne s'affichent plus")
    assert ticket.mailbox is None
    ack = mail.outbox[-1]
    _show(ack)
    assert ack.extra_headers["Reply-To"] == "support@comptoir.example"
    flush_mail()
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(ticket, by=desk.l1, body="Pouvez-vous vider le cache ?")
    answer = mail.outbox[-1]
    _show(answer)
    assert answer.to == [desk.requester.email]
    assert answer.extra_headers["Reply-To"] == "support@comptoir.example"


def test_the_ticket_s_own_mailbox_wins(desk, django_capture_on_commit_callbacks):
    Mailbox.objects.create(name="Support", address="support@comptoir.example")
    own = Mailbox.objects.create(name="Ventes", address="ventes@comptoir.example")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = desk.open(mailbox=own)
    assert mail.outbox[-1].extra_headers["Reply-To"] == "ventes@comptoir.example"
    assert ticket.mailbox == own


def test_without_any_mailbox_there_is_no_reply_to(desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        desk.open()
    assert "Reply-To" not in mail.outbox[-1].extra_headers
