"""Automatic replies and bounces are recognised (procedure 001: the desk answers every new
ticket automatically, so answering an out-of-office or a bounce would start a mail loop)."""

from __future__ import annotations

import pytest

from comptoir.mail.parsing import parse
from tests.mail.raw_mail import raw


def _mail(*headers: str, body: str = "Bonjour,\n\nJe suis absent jusqu'au 2 janvier.\n") -> bytes:
    defaults = {
        "from": "From: Marie Dupont <marie.dupont@example.fr>",
        "to": "To: support@example.com",
        "subject": "Subject: Imprimante en panne",
    }
    for header in headers:
        defaults[header.split(":", 1)[0].lower()] = header
    return raw("\n".join(defaults.values()) + "\n\n" + body)


def test_a_person_writing_is_neither_an_automatic_reply_nor_a_bounce() -> None:
    classification = parse(
        _mail(body="Bonjour,\n\nL'imprimante du 2e étage ne répond plus.\n")
    ).classification
    assert not classification.is_auto_reply
    assert not classification.is_bounce
    assert classification.reason == ""
    assert not classification.is_automatic


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Auto-Submitted: auto-replied", "Auto-Submitted: auto-replied"),
        ("Auto-Submitted: auto-generated", "Auto-Submitted: auto-generated"),
        ("Auto-Submitted: auto-notified; owner-email=x@example.com", "Auto-Submitted"),
        ("Precedence: bulk", "Precedence: bulk"),
        ("Precedence: junk", "Precedence: junk"),
        ("Precedence: list", "Precedence: list"),
        ("X-Autoreply: yes", "X-Autoreply"),
        ("X-Autorespond: Absence", "X-Autorespond"),
        ("X-Auto-Response-Suppress: OOF", "X-Auto-Response-Suppress: OOF"),
        ("X-Auto-Response-Suppress: All", "X-Auto-Response-Suppress: All"),
        ("List-Id: Annonces <annonces.example.fr>", "List-Id"),
        ("List-Unsubscribe: <mailto:unsubscribe@example.fr>", "List-Unsubscribe"),
    ],
)
def test_rfc_3834_and_client_headers_mark_an_automatic_reply(header: str, reason: str) -> None:
    classification = parse(_mail(header)).classification
    assert classification.is_auto_reply
    assert not classification.is_bounce
    assert reason in classification.reason


def test_auto_submitted_no_is_a_person() -> None:
    assert not parse(_mail("Auto-Submitted: no")).classification.is_auto_reply


@pytest.mark.parametrize(
    "subject",
    [
        "Réponse automatique : Imprimante en panne",
        "Automatic reply: Printer down",
        "Absence du bureau",
        "Out of Office: back on Monday",
        "Abwesenheitsnotiz: Drucker",
        "Risposta automatica: stampante",
        "Auto: Imprimante en panne",
    ],
)
def test_out_of_office_subjects_mark_an_automatic_reply(subject: str) -> None:
    classification = parse(_mail(f"Subject: {subject}")).classification
    assert classification.is_auto_reply
    assert classification.reason == f"subject: {subject}"


@pytest.mark.parametrize(
    "header",
    [
        "From: MAILER-DAEMON@mail.example.fr (Mail Delivery System)",
        "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
        "From: postmaster@example.fr",
        "Subject: Undelivered Mail Returned to Sender",
        "Subject: Delivery Status Notification (Failure)",
        "Subject: Mail delivery failed: returning message to sender",
        "Subject: Non remis : Imprimante en panne",
        "Subject: Échec de la remise du message",
        "Subject: Unzustellbar: Drucker",
        "X-Failed-Recipients: personne@example.fr",
        "Return-Path: <>",
    ],
)
def test_bounce_senders_subjects_and_headers_mark_a_bounce(header: str) -> None:
    assert parse(_mail(header)).classification.is_bounce


def test_a_person_forwarding_a_bounce_to_the_desk_is_a_person() -> None:
    """ "TR: Non remis" is a requester asking why their mail bounced: a ticket, not a bounce."""
    classification = parse(_mail("Subject: TR: Non remis : Commande 42")).classification
    assert not classification.is_bounce
    assert not classification.is_auto_reply


def test_delivery_status_notification_is_a_bounce_with_its_reason() -> None:
    dsn = raw(
        """\
        From: Mail Delivery System <MAILER-DAEMON@mx.example.fr>
        To: support@example.com
        Subject: Undelivered Mail Returned to Sender
        Auto-Submitted: auto-replied
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

        --b1
        Content-Type: text/plain; charset=utf-8

        This is the mail system at host mx.example.fr.
        I'm sorry to have to inform you that your message could not be delivered.

        --b1
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.fr

        Final-Recipient: rfc822; marie.dupont@example.fr
        Action: failed
        Status: 5.1.1

        --b1
        Content-Type: message/rfc822

        From: support@example.com
        To: marie.dupont@example.fr
        Subject: [#123456] Votre demande
        Message-ID: <reply-1@example.com>

        Bonjour Marie,
        --b1--
        """
    )
    mail = parse(dsn)
    assert mail.classification.is_bounce
    assert mail.classification.is_auto_reply  # the report also says Auto-Submitted
    assert mail.classification.reason.startswith("delivery status notification")
    assert [attachment.filename for attachment in mail.attachments] == [
        "delivery-status.txt",
        "[#123456] Votre demande.eml",
    ]
    assert b"Message-ID: <reply-1@example.com>" in mail.attachments[1].content
    assert "could not be delivered" in mail.text


def test_read_receipts_and_abuse_reports_are_automatic() -> None:
    receipt = raw(
        """\
        From: Marie Dupont <marie.dupont@example.fr>
        To: support@example.com
        Subject: Lu : Imprimante en panne
        Content-Type: multipart/report; report-type=disposition-notification; boundary="b"

        --b
        Content-Type: text/plain

        Votre message a été lu.
        --b
        Content-Type: message/disposition-notification

        Disposition: manual-action/MDN-sent-manually; displayed
        --b--
        """
    )
    classification = parse(receipt).classification
    assert classification.is_auto_reply
    assert "read receipt" in classification.reason
