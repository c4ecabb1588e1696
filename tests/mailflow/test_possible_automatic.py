"""Subject words are a hint, headers and structure are proof: a known customer writing
"Delivery report for order 4512" gets a ticket (flagged "possible automatic reply"), while a
real bounce or automatic reply is still ignored."""

from __future__ import annotations

import pytest

from comptoir.mail.inbound.pipeline import POSSIBLE_AUTOMATIC_REPLY
from comptoir.mail.models import InboundMail
from comptoir.mail.parsing import parse
from comptoir.tickets.models import Ticket
from tests.factories import UserFactory
from tests.mailflow.test_pipeline import compose, deliver, mailbox  # noqa: F401 (fixture)

# New requests from customers, as they were ignored as bounces before (issue 16).
DELIVERY_REPORT_SUBJECTS = [
    "Delivery report for order 4512",
    "Rapport de livraison – delivery report semaine 12",
    "Delivery Report: palettes manquantes",
    "Le delivery report du 3 mars ne s'affiche plus",
    "Export du Delivery Report en PDF impossible",
    "delivery report mensuel : chiffres faux",
    "Question sur le delivery report fournisseur",
    "Delivery report – colonne « transporteur » vide",
    "Can't open the delivery report",
    "Ajout d'un champ au delivery report",
    "Delivery report for week 14 is empty",
    "DELIVERY REPORT : erreur 500",
    "Envoi automatique du delivery report aux agences",
    "Delivery report (commande 7781) – quantités en double",
]


def test_fourteen_customers_writing_about_a_delivery_report_get_tickets(desk, mailbox) -> None:  # noqa: F811
    customers = [
        UserFactory(username=f"client{i}", email=f"client{i}@villeneuve.example", organisation=desk.customer)
        for i in range(len(DELIVERY_REPORT_SUBJECTS))
    ]
    for customer, subject in zip(customers, DELIVERY_REPORT_SUBJECTS, strict=True):
        outcome = deliver(
            compose(sender=customer.email, subject=subject, body="Bonjour,\n\nPouvez-vous regarder ?\n"),
            mailbox,
        )
        assert outcome.status == "new_ticket", (subject, outcome.reason)
        ticket = Ticket.objects.get(number=outcome.ticket_number)
        assert (ticket.subject, ticket.requester) == (subject, customer)
        stored = InboundMail.objects.get(pk=outcome.inbound_id)
        assert stored.reason.startswith(POSSIBLE_AUTOMATIC_REPLY)
    assert Ticket.objects.count() == 14


def test_the_desk_shows_the_possible_automatic_reply_badge(client, desk, mailbox) -> None:  # noqa: F811
    flagged = deliver(compose(sender=desk.requester.email, subject="Delivery report for order 4512"), mailbox)
    plain = deliver(compose(sender=desk.requester.email, subject="Imprimante en panne"), mailbox)
    client.force_login(desk.supervisor)
    page = client.get(f"/desk/tickets/{flagged.ticket_number}/", headers={"accept-language": "fr"})
    assert 'data-testid="possibly-automatic"' in page.content.decode()
    assert "Réponse automatique possible" in page.content.decode()
    page = client.get(f"/desk/tickets/{plain.ticket_number}/")
    assert 'data-testid="possibly-automatic"' not in page.content.decode()


def test_an_unknown_sender_with_a_bounce_subject_is_still_ignored(desk, mailbox) -> None:  # noqa: F811
    outcome = deliver(compose(sender="inconnu@ailleurs.example", subject="Delivery report"), mailbox)
    assert outcome.status == "ignored"
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"X-Autoreply": "yes"},
        {"Precedence": "bulk"},
        {"Return-Path": "<>"},
    ],
)
def test_a_known_customer_s_real_automatic_mail_is_still_ignored(desk, mailbox, headers) -> None:  # noqa: F811
    outcome = deliver(
        compose(sender=desk.requester.email, subject="Delivery report", headers=headers), mailbox
    )
    assert outcome.status == "ignored"
    assert Ticket.objects.count() == 0


def test_a_delivery_status_notification_from_a_known_address_is_a_bounce(desk, mailbox) -> None:  # noqa: F811
    raw = (
        f"From: {desk.requester.email}\r\nTo: support@paroisse.example\r\nSubject: Delivery report\r\n"
        "Message-ID: <dsn1@client.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\n"
        "Final-Recipient: rfc822; x@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--b--\r\n"
    ).encode()
    assert parse(raw).classification.is_bounce
    assert not parse(raw).classification.weak
    assert deliver(raw, mailbox).status == "ignored"


def test_subject_words_alone_make_a_weak_classification() -> None:
    weak = parse(compose(subject="Delivery report for order 4512")).classification
    assert (weak.is_bounce, weak.weak) == (True, True)
    strong = parse(compose(subject="Absent", headers={"Auto-Submitted": "auto-replied"})).classification
    assert (strong.is_auto_reply, strong.weak) == (True, False)
