"""Procedures 001 and 002, the whole conversation by e-mail, every server real: Marie writes
to support@ (delivered by Dovecot over IMAP, or by the MTA over LMTP), receives the
acknowledgement with her ticket's number, receives the agent's answer, answers it from her
mail client (quote and signature below her text), and receives the resolution and the
closure. What she receives is what the SMTP server received."""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from comptoir.core import outbox
from comptoir.mail.inbound.imap import poll
from comptoir.mail.models import InboundMail
from comptoir.tickets import services
from comptoir.tickets.models import Ticket
from tests.mailservers.mails import SUPPORT, answer_from_mail_client, compose
from tests.pages import followed_number

MARIE = "Marie Dupont <mariedupont@example.org>"
FIRST_ID = "<newsletter-double@client.example>"
AGENT_TEXT = (
    "Bonjour Marie,\n\n"
    "Dans Mailpoet, décochez « Envoyer aussi aux abonnés WordPress » : la lettre partira une "
    "seule fois.\n\nLéa, pôle maintenance"
)
MARIE_TEXT = "Merci, c'est réglé : un seul envoi ce matin."

Send = Callable[[bytes], str]


def received_since(smtp, seen: int) -> list[EmailMessage]:
    """Deliver what the outbox holds, then what the SMTP server got since ``seen`` mails."""
    outbox.deliver_due()
    return smtp.messages[seen:]


def converse(desk, smtp, send: Send) -> None:
    marie = desk.site_owner
    assert marie.email == "mariedupont@example.org"

    # 1. Marie writes to support@; the mail becomes a ticket.
    first = compose(
        sender=MARIE,
        subject="Sites associés WordPress : la newsletter part en double",
        body="Bonjour,\n\nNotre lettre d'information est reçue deux fois par les paroissiens.\n\nMarie",
        message_id=FIRST_ID,
    )
    assert send(first) == "new_ticket"
    ticket = Ticket.objects.get()
    assert (ticket.requester, ticket.channel, ticket.product) == (marie, "email", desk.product)
    n = ticket.number

    # 2. She receives the automatic acknowledgement, with the number, in her thread.
    [ack] = received_since(smtp, 0)
    assert ack["To"] == marie.email
    assert ack["Subject"] == f"[#{n}] Demande reçue : {ticket.subject}"
    assert ack["Auto-Submitted"] == "auto-replied"
    assert (ack["In-Reply-To"], ack["References"]) == (FIRST_ID, FIRST_ID)
    assert ack["Reply-To"] == SUPPORT
    assert ack["X-Comptoir-Ticket"] == str(n)
    assert followed_number(ack.get_content()) == n

    # 3. Léa (L1) answers in the desk; Marie receives the answer, which a person wrote.
    services.reply(ticket, by=desk.l1, body=AGENT_TEXT)
    [answer] = received_since(smtp, 1)
    assert answer["To"] == marie.email
    assert answer["Subject"] == f"[#{n}] Nouvelle réponse : {ticket.subject}"
    assert answer["Auto-Submitted"] is None
    assert (answer["In-Reply-To"], answer["Reply-To"]) == (FIRST_ID, SUPPORT)
    assert f"comptoir.{n}." in answer["Message-ID"]
    text = answer.get_body(preferencelist=("plain",)).get_content()
    assert "la lettre partira une seule fois" in " ".join(text.split())
    assert answer.get_body(preferencelist=("html",)) is not None

    # 4. Marie presses "Reply" in her mail client: "RE: [#n] …", her text, her signature,
    #    then Léa's mail quoted under "Le lun. 23 nov. 2026 à 10:12, Support <…> a écrit :".
    reply = answer_from_mail_client(answer, sender=MARIE, text=MARIE_TEXT, signature="Marie Dupont")
    written = message_from_bytes(reply, policy=policy.default).get_content().replace("\r\n", "\n")
    assert f"{MARIE_TEXT}\n\n-- \nMarie Dupont\n\nLe lun. 23 nov. 2026 à 10:12, Support" in written
    assert "\n> Dans Mailpoet, décochez" in written
    assert send(reply) == "reply"
    assert Ticket.objects.get() == ticket  # the same ticket, no new one
    latest = ticket.messages.order_by("created_at", "pk").last()
    assert (latest.author, latest.channel, latest.body_text) == (marie, "email", MARIE_TEXT)
    assert received_since(smtp, 2) == []  # nothing automatic answers an answer

    # 5. Léa resolves, then closes: Marie receives both, still with the number.
    services.change_status(ticket, to="resolved", by=desk.l1)
    [resolved] = received_since(smtp, 2)
    services.change_status(ticket, to="closed", by=desk.l1)
    [closed] = received_since(smtp, 3)
    assert resolved["Subject"] == f"[#{n}] Demande résolue : {ticket.subject}"
    assert closed["Subject"] == f"[#{n}] Demande clôturée : {ticket.subject}"
    assert "5" in resolved.get_content()  # closed after 5 business days without an answer

    # Every mail went to Marie alone, in her thread, each with its own Message-ID; only
    # the acknowledgement is an automatic *reply* (the status mails are notifications).
    mails = [ack, answer, resolved, closed]
    assert len(smtp.received) == 4
    assert [r.rcpt_tos for r in smtp.received] == [[marie.email]] * 4
    assert {m["In-Reply-To"] for m in mails} == {FIRST_ID}
    assert len({m["Message-ID"] for m in mails}) == 4
    assert [m["Auto-Submitted"] for m in mails] == ["auto-replied", None, "auto-generated", "auto-generated"]
    assert list(InboundMail.objects.order_by("pk").values_list("outcome", "ticket")) == [
        ("new_ticket", ticket.pk),
        ("reply", ticket.pk),
    ]


@pytest.mark.imap
def test_the_whole_conversation_by_mail_through_imap(desk, smtp, dovecot, imap_mailbox):
    def send(raw: bytes) -> str:
        dovecot.append(raw)
        report = poll(imap_mailbox)
        assert (report.error, report.read) == ("", 1)
        return report.outcomes[0].status

    converse(desk, smtp, send)
    assert dovecot.uids() == []
    assert len(dovecot.uids("Comptoir")) == 2


@pytest.mark.django_db(transaction=True)
def test_the_whole_conversation_by_mail_through_lmtp(desk, smtp, lmtp_server, lmtp_mailbox):
    def send(raw: bytes) -> str:
        with smtplib.LMTP(lmtp_server.hostname, lmtp_server.port, timeout=30) as client:
            assert client.sendmail("mariedupont@example.org", [SUPPORT], raw) == {}
        return InboundMail.objects.order_by("pk").last().outcome

    converse(desk, smtp, send)
