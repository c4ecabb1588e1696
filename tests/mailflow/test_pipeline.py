"""Procedures 001 and 002 over e-mail: every mail becomes the right ticket or the right
reply, and none is lost."""

from __future__ import annotations

import email
from email.message import EmailMessage

import pytest
from django.core import mail as django_mail

from comptoir.core import outbox
from comptoir.mail import services as mail_services
from comptoir.mail.inbound.pipeline import receive
from comptoir.mail.models import InboundMail, Mailbox
from comptoir.tickets import services
from comptoir.tickets.models import Ticket
from tests.conftest import flush_mail
from tests.factories import UserFactory


def compose(
    *,
    sender: str = "pierremartin@example.org",
    subject: str = "Import des contacts dans Mailpoet",
    body: str = "Bonjour,\n\nComment importer nos contacts ?\n\nPierre",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    cc: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "support@paroisse.example"
    msg["Subject"] = subject
    if cc:
        msg["Cc"] = cc
    msg["Message-ID"] = message_id or email.utils.make_msgid(domain="client.example")
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    for k, v in (headers or {}).items():
        msg[k] = v
    msg.set_content(body)
    return msg.as_bytes()


@pytest.fixture
def mailbox(desk):
    return Mailbox.objects.create(
        name="Support", address="support@paroisse.example", product=desk.product, urgent_monthly_allowance=1
    )


def deliver(raw: bytes, mailbox: Mailbox, django_capture_on_commit_callbacks=None):
    outcome = receive(raw, source=InboundMail.Source.PIPE, mailbox=mailbox)
    outbox.deliver_due()
    return outcome


def test_a_mail_to_support_opens_a_ticket_and_the_sender_gets_the_number(desk, mailbox):
    raw = compose(message_id="<first@client.example>")
    outcome = deliver(raw, mailbox)
    assert outcome.status == "new_ticket"
    ticket = Ticket.objects.get(number=outcome.ticket_number)
    assert (ticket.requester, ticket.channel, ticket.mailbox, ticket.mail_thread_id) == (
        desk.requester,
        "email",
        mailbox,
        "first@client.example",
    )
    assert ticket.subject == "Import des contacts dans Mailpoet"
    assert ticket.messages.get().body_text.startswith("Bonjour")
    ack = django_mail.outbox[-1]
    assert ack.subject.startswith(f"[#{ticket.number}] ")
    assert ack.extra_headers["In-Reply-To"] == "<first@client.example>"
    assert ack.extra_headers["Reply-To"] == "support@paroisse.example"
    assert ack.extra_headers["Auto-Submitted"] == "auto-replied"
    stored = InboundMail.objects.get()
    assert (stored.state, stored.ticket, bytes(stored.raw)) == ("processed", ticket, raw)


def test_a_redelivered_mail_makes_nothing_twice(desk, mailbox):
    raw = compose(message_id="<same@client.example>")
    first = deliver(raw, mailbox)
    again = deliver(raw, mailbox)
    assert again.status == "duplicate"
    assert again.ticket_number == first.ticket_number
    assert Ticket.objects.count() == 1
    assert InboundMail.objects.count() == 1


def test_an_answer_with_the_number_in_the_subject_lands_on_the_ticket_without_quote_or_signature(
    desk, mailbox
):
    ticket = Ticket.objects.get(number=deliver(compose(), mailbox).ticket_number)
    flush_mail()
    body = (
        "Merci, ça marche !\n\n-- \nPierre Martin\nSecrétariat\n\n"
        "Le lun. 23 nov. 2026 à 10:12, Support <support@paroisse.example> a écrit :\n"
        "> Voici la marche à suivre\n"
    )
    outcome = deliver(compose(subject=f"RE: [#{ticket.number}] Import des contacts", body=body), mailbox)
    assert (outcome.status, outcome.ticket_number) == ("reply", ticket.number)
    reply = ticket.messages.order_by("created_at", "pk").last()
    assert reply.body_text == "Merci, ça marche !"
    assert reply.channel == "email"


def test_an_answer_without_the_tag_threads_by_our_message_id(desk, mailbox):
    ticket = Ticket.objects.get(number=deliver(compose(), mailbox).ticket_number)
    ack_id = django_mail.outbox[-1].extra_headers["Message-ID"]
    outcome = deliver(
        compose(subject="Re: votre demande", body="Encore une question.", in_reply_to=ack_id), mailbox
    )
    assert (outcome.status, outcome.ticket_number) == ("reply", ticket.number)


def test_a_subject_alone_never_threads(desk, mailbox):
    deliver(compose(subject="Problème d'impression"), mailbox)
    outcome = deliver(compose(subject="Re: Problème d'impression", body="Autre souci"), mailbox)
    assert outcome.status == "new_ticket"
    assert Ticket.objects.count() == 2


def test_a_number_from_another_mailbox_does_not_thread(desk, mailbox):
    other = Mailbox.objects.create(name="Compta", address="compta@groupe.example")
    ticket = Ticket.objects.get(number=deliver(compose(), other).ticket_number)
    outcome = deliver(compose(subject=f"Re: [#{ticket.number}] suite"), mailbox)
    assert outcome.status == "new_ticket"
    assert outcome.ticket_number != ticket.number


def test_a_stranger_quoting_a_number_opens_their_own_ticket(desk, mailbox):
    ticket = Ticket.objects.get(number=deliver(compose(), mailbox).ticket_number)
    outcome = deliver(
        compose(sender=desk.neighbour.email, subject=f"[#{ticket.number}] je me greffe"), mailbox
    )
    assert outcome.status == "new_ticket"
    assert ticket.messages.count() == 1


def test_people_in_copy_with_an_account_follow_the_ticket(desk, mailbox):
    outcome = deliver(compose(cc=f"Marie <{desk.site_owner.email}>"), mailbox)
    ticket = Ticket.objects.get(number=outcome.ticket_number)
    assert list(ticket.followers.all()) == [desk.site_owner]


def test_a_reply_to_a_closed_ticket_opens_a_new_linked_one_and_says_so(desk, mailbox):
    old = Ticket.objects.get(number=deliver(compose(), mailbox).ticket_number)
    services.change_status(old, to="resolved", by=desk.l1)
    services.change_status(old, to="closed", by=None)
    flush_mail()
    outcome = deliver(compose(subject=f"Re: [#{old.number}] Import", body="Ça recommence."), mailbox)
    assert outcome.status == "follow_up"
    new = Ticket.objects.get(number=outcome.ticket_number)
    assert new.linked_to == old
    assert old.number != new.number
    assert f"#{old.number}" in django_mail.outbox[-1].body


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"X-Autoreply": "yes"},
    ],
)
def test_automatic_replies_make_no_ticket_and_get_no_answer(desk, mailbox, headers):
    outcome = deliver(compose(subject="Réponse automatique : absent", headers=headers), mailbox)
    assert outcome.status == "ignored"
    assert Ticket.objects.count() == 0
    assert django_mail.outbox == []
    assert InboundMail.objects.get().state == "ignored"


def test_a_bounce_makes_no_ticket(desk, mailbox):
    raw = compose(
        sender="MAILER-DAEMON@mx.example",
        subject="Undelivered Mail Returned to Sender",
        body="This is the mail system at host mx.example. I'm sorry to have to inform you...",
    )
    assert deliver(raw, mailbox).status == "ignored"
    assert Ticket.objects.count() == 0


def test_mail_from_our_own_address_is_a_loop(desk, mailbox):
    assert deliver(compose(sender="support@paroisse.example"), mailbox).status == "ignored"


def test_unknown_sender_becomes_a_requester_of_the_organisation_of_their_domain(desk, mailbox):
    desk.parish.email_domains = "paroisse-saint-seurin.fr"
    desk.parish.save()
    outcome = deliver(compose(sender="Jeanne Durand <jeanne.durand@paroisse-saint-seurin.fr>"), mailbox)
    ticket = Ticket.objects.get(number=outcome.ticket_number)
    assert ticket.requester.email == "jeanne.durand@paroisse-saint-seurin.fr"
    assert ticket.requester.organisation == desk.parish
    assert ticket.organisation == desk.parish


def test_unknown_sender_is_told_whom_to_contact_when_the_mailbox_serves_only_its_users(desk, mailbox):
    mailbox.unknown_senders = Mailbox.UnknownSenders.REFUSE
    mailbox.refusal_text = "Contactez le service communication de votre SPF."
    mailbox.save()
    outcome = deliver(compose(sender="visiteur@gmail.example"), mailbox)
    assert outcome.status == "refused"
    assert Ticket.objects.count() == 0
    answer = django_mail.outbox[-1]
    assert answer.to == ["visiteur@gmail.example"]
    assert "service communication" in answer.body
    assert InboundMail.objects.get().raw  # kept


def test_urgent_within_the_allowance_then_flagged_for_review(desk, mailbox):
    first = Ticket.objects.get(
        number=deliver(compose(subject="URGENT : la compta est bloquée"), mailbox).ticket_number
    )
    second = Ticket.objects.get(
        number=deliver(compose(subject="Très urgent !! encore"), mailbox).ticket_number
    )
    assert (first.is_urgent, first.priority, first.urgent_review) == (True, "urgent", False)
    assert (second.is_urgent, second.urgent_review) == (False, True)


def test_the_program_named_in_the_subject_sets_the_product(desk, mailbox):
    desk.other_product.aliases = "Gestion Pro, GP"
    desk.other_product.save()
    outcome = deliver(compose(subject="Gestion Pro : la facture ne s'imprime pas"), mailbox)
    assert Ticket.objects.get(number=outcome.ticket_number).product == desk.other_product


def test_automatic_answers_to_one_sender_are_rate_limited(desk, mailbox):
    for i in range(7):
        deliver(compose(subject=f"Demande {i}"), mailbox)
    assert Ticket.objects.count() == 7
    assert len(django_mail.outbox) == 5


def test_a_mail_that_cannot_be_read_is_quarantined_then_retried_or_discarded(desk, mailbox):
    outcome = deliver(b"\x00\x01\x02 not a mail at all", mailbox)
    assert outcome.status == "quarantined"
    stored = InboundMail.objects.get()
    assert stored.state == "quarantined"
    assert stored.reason
    with pytest.raises(Exception, match="administrat"):
        mail_services.retry(stored, by=desk.l1)
    mail_services.discard(stored, by=desk.admin, reason="spam")
    stored.refresh_from_db()
    assert stored.state == "discarded"
    assert bytes(stored.raw).startswith(b"\x00")


def test_admins_see_the_quarantine_and_the_sent_mail_in_the_desk(desk, mailbox, client):
    deliver(b"\x00garbage", mailbox)
    deliver(compose(), mailbox)
    client.force_login(desk.admin)
    page = client.get("/desk/mail/quarantine/")
    assert page.status_code == 200
    assert 'data-testid="inbound-list"' in page.content.decode()
    sent = client.get("/desk/mail/outbox/").content.decode()
    assert "Import des contacts dans Mailpoet" in sent
    client.force_login(desk.l1)
    assert client.get("/desk/mail/quarantine/").status_code == 403


def test_an_agent_removes_an_abusive_urgency_and_the_requester_is_told(desk, mailbox, client):
    ticket = Ticket.objects.get(
        number=deliver(compose(subject="URGENT question sur la newsletter"), mailbox).ticket_number
    )
    flush_mail()
    with pytest.raises(Exception, match="motif"):
        services.set_urgency(ticket, urgent=False, by=desk.l1, reason="")
    ticket = services.set_urgency(
        ticket, urgent=False, by=desk.l1, reason="Une question n'est pas une urgence."
    )
    outbox.deliver_due()
    assert (ticket.is_urgent, ticket.priority) == (False, "normal")
    notice = django_mail.outbox[-1]
    assert notice.to == [desk.requester.email]
    assert "Une question n'est pas une urgence." in notice.body
    client.force_login(desk.supervisor)
    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert 'data-testid="downgrades"' not in page  # no longer urgent: the form is gone
    again = Ticket.objects.get(number=deliver(compose(subject="URGENT bis"), mailbox).ticket_number)
    page = client.get(f"/desk/tickets/{again.number}/")
    assert page.context["downgrades"] == 1


def test_agent_answers_go_out_as_text_and_html_in_the_requester_thread(desk, mailbox):
    ticket = Ticket.objects.get(
        number=deliver(compose(message_id="<t1@client.example>"), mailbox).ticket_number
    )
    flush_mail()
    services.reply(ticket, by=desk.l1, body="Bonjour,\n\nVoici la marche à suivre.\n\nLéa")
    outbox.deliver_due()
    answer = django_mail.outbox[-1]
    assert answer.body.count("Voici la marche à suivre.") == 1
    html, mime = answer.alternatives[0]
    assert mime == "text/html"
    assert "<p>Voici la marche à suivre.</p>" in html
    assert answer.extra_headers["In-Reply-To"] == "<t1@client.example>"
    assert "Auto-Submitted" not in answer.extra_headers


def test_administrators_word_the_acknowledgement_their_way(desk, mailbox):
    from comptoir.mail.models import MailTemplate

    MailTemplate.objects.create(
        key="acknowledgement",
        language="fr",
        subject="Bien reçu : {{ ticket.subject }}",
        body="Bonjour {{ recipient.first_name }}, votre demande porte le numéro {{ ticket.reference }}.",
    )
    outcome = deliver(compose(), mailbox)
    ack = django_mail.outbox[-1]
    assert ack.subject == f"[#{outcome.ticket_number}] Bien reçu : Import des contacts dans Mailpoet"
    assert (
        ack.body
        == f"Bonjour {desk.requester.first_name}, votre demande porte le numéro #{outcome.ticket_number}."
    )


def test_a_file_over_the_size_limit_is_not_kept_and_the_sender_is_told(desk, mailbox, settings):
    settings.COMPTOIR_MAX_ATTACHMENT_BYTES = 1000
    msg = email.message_from_bytes(compose())
    new = EmailMessage()
    for key in ("From", "To", "Subject", "Message-ID"):
        new[key] = msg[key]
    new.set_content("Voici la capture et le guide.")
    new.add_attachment(
        b"\x89PNG\r\n\x1a\n" + b"0" * 100, maintype="image", subtype="png", filename="capture.png"
    )
    new.add_attachment(
        b"%PDF-1.4 " + b"x" * 5000, maintype="application", subtype="pdf", filename="Guide détaillé.pdf"
    )
    outcome = deliver(new.as_bytes(), mailbox)
    ticket = Ticket.objects.get(number=outcome.ticket_number)
    assert [a.filename for a in ticket.attachments.all()] == ["capture.png"]
    notice = django_mail.outbox[-1]
    assert (
        notice.subject == f"[#{ticket.number}] Pièce jointe trop volumineuse"
        or "Guide détaillé.pdf" in notice.body
    )
    assert "Guide détaillé.pdf" in notice.body


def test_a_colleague_quoting_the_number_opens_their_own_request_and_the_site_owner_answers_on_it(
    desk, mailbox
):
    ticket = Ticket.objects.get(number=deliver(compose(), mailbox).ticket_number)
    colleague = UserFactory(username="claire", email="claire@example.org", organisation=desk.parish)
    outcome = deliver(compose(sender=colleague.email, subject=f"RE: [#{ticket.number}] moi aussi"), mailbox)
    assert outcome.status == "new_ticket"
    owner = deliver(
        compose(sender=desk.site_owner.email, subject=f"RE: [#{ticket.number}] précision"), mailbox
    )
    assert (owner.status, owner.ticket_number) == ("reply", ticket.number)
