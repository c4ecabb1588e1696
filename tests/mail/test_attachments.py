"""Attachments (procedure 001: "vous pouvez y joindre copie d'écran, pièces jointes")."""

from __future__ import annotations

import pytest

from comptoir.mail.parsing import parse
from comptoir.mail.parsing.attachments import sanitise_filename
from tests.mail.raw_mail import raw

PDF = b"%PDF-1.4 facture"


def _with_attachment(
    disposition: str, content_type: str = "application/pdf", body: str = "JVBERi0xLjQgZmFjdHVyZQ=="
) -> bytes:
    return raw(
        f"""\
        From: Marie Dupont <marie.dupont@example.fr>
        To: support@example.com
        Subject: Facture
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="mix"

        --mix
        Content-Type: text/plain; charset=utf-8

        Ci-joint la facture.
        --mix
        Content-Type: {content_type}
        Content-Disposition: {disposition}
        Content-Transfer-Encoding: base64

        {body}
        --mix--
        """
    )


@pytest.mark.parametrize(
    "disposition",
    [
        "attachment; filename*=utf-8''Facture%20d%C3%A9taill%C3%A9e.pdf",
        "attachment; filename*=UTF-8'fr'Facture%20d%C3%A9taill%C3%A9e.pdf",
        "attachment; filename*0*=utf-8''Facture%20d%C3%A9; filename*1*=taill%C3%A9e.pdf",
        "attachment; filename*=iso-8859-1''Facture%20d%E9taill%E9e.pdf",
        'attachment; filename="=?utf-8?B?RmFjdHVyZSBkw6l0YWlsbMOpZS5wZGY=?="',
        'attachment; filename="=?iso-8859-1?Q?Facture_d=E9taill=E9e=2Epdf?="',
    ],
)
def test_french_file_names_are_decoded_rfc_2231_and_rfc_2047(disposition: str) -> None:
    mail = parse(_with_attachment(disposition))
    assert mail.text == "Ci-joint la facture."
    (attachment,) = mail.attachments
    assert attachment.filename == "Facture détaillée.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.content == PDF
    assert not attachment.inline
    assert not attachment.too_large


def test_raw_8bit_file_name_in_utf8() -> None:
    message = _with_attachment('attachment; filename="Facture détaillée.pdf"')
    assert parse(message).attachments[0].filename == "Facture détaillée.pdf"


def test_name_parameter_of_content_type_is_the_fallback() -> None:
    message = _with_attachment("attachment", content_type='application/pdf; name="devis n°12.pdf"')
    assert parse(message).attachments[0].filename == "devis n°12.pdf"


@pytest.mark.parametrize(
    ("declared", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\marie\\Bureau\\capture.png", "capture.png"),
        ("rapport\x00.pdf\r\n", "rapport_.pdf"),
        ("  .htaccess  ", "htaccess"),
        ("", "attachment-3.pdf"),
        ("...", "attachment-3.pdf"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_file_names_are_sanitised_and_never_empty(declared: str, safe: str) -> None:
    assert sanitise_filename(declared, content_type="application/pdf", position=3) == safe


def test_unnamed_attachment_gets_a_numbered_name() -> None:
    attachment = parse(_with_attachment("attachment", content_type="application/octet-stream")).attachments[0]
    assert attachment.filename == "attachment-1.bin"


def test_oversize_attachment_is_kept_without_its_content() -> None:
    mail = parse(_with_attachment("attachment; filename=facture.pdf"), max_attachment_bytes=10)
    (attachment,) = mail.attachments
    assert attachment.too_large
    assert attachment.content == b""
    assert attachment.size == len(PDF)
    assert attachment.filename == "facture.pdf"
    assert (
        parse(_with_attachment("attachment; filename=facture.pdf"), max_attachment_bytes=len(PDF))
        .attachments[0]
        .content
        == PDF
    )


def test_attached_mail_is_named_after_its_subject() -> None:
    message = raw(
        """\
        From: Marie Dupont <marie.dupont@example.fr>
        Subject: TR: mail du client
        Content-Type: multipart/mixed; boundary="m"

        --m
        Content-Type: text/plain

        Voir le mail du client.
        --m
        Content-Type: message/rfc822

        From: client@example.org
        Subject: =?utf-8?q?Commande_bloqu=C3=A9e?=

        Ma commande est bloquée.
        --m--
        """
    )
    (attachment,) = parse(message).attachments
    assert attachment.filename == "Commande bloquée.eml"
    assert attachment.content_type == "message/rfc822"
    assert b"Subject: =?utf-8?q?Commande_bloqu=C3=A9e?=" in attachment.content


def test_text_file_attached_is_not_the_body_and_calendar_is_a_file() -> None:
    message = raw(
        """\
        From: Marie Dupont <marie.dupont@example.fr>
        Subject: Journal
        Content-Type: multipart/mixed; boundary="m"

        --m
        Content-Type: text/plain; charset=utf-8

        Voici le journal d'erreurs.
        --m
        Content-Type: text/plain; charset=utf-8; name="erreurs.log"
        Content-Disposition: inline; filename="erreurs.log"

        ERREUR 42
        --m
        Content-Type: text/calendar; method=REQUEST

        BEGIN:VCALENDAR
        --m--
        """
    )
    mail = parse(message)
    assert mail.text == "Voici le journal d'erreurs."
    assert [(a.filename, a.content_type) for a in mail.attachments] == [
        ("erreurs.log", "text/plain"),
        ("attachment-2.ics", "text/calendar"),
    ]


def test_outlook_inline_image_named_after_its_content_id() -> None:
    message = raw(
        """\
        From: Marie Dupont <marie.dupont@example.fr>
        Subject: Capture
        Content-Type: multipart/related; boundary="r"

        --r
        Content-Type: text/html; charset=utf-8

        <p>Voir :</p><img src="cid:image001.png@01DA1234.56789ABC">
        --r
        Content-Type: image/png
        Content-ID: <image001.png@01DA1234.56789ABC>
        Content-Transfer-Encoding: base64

        iVBORw0KGgo=
        --r--
        """
    )
    (image,) = parse(message).attachments
    assert (image.filename, image.content_id, image.inline) == (
        "image001.png",
        "image001.png@01DA1234.56789ABC",
        True,
    )
