"""``parse()``: headers, threading ids, dates, addresses, damaged mails salvaged, non-mails refused.

DESIGN §5: every bad input gets a clear error and loses nothing; a mail that cannot be parsed
is kept and quarantined by the caller, so ``parse`` says precisely what it met.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone

import pytest

from comptoir.mail.parsing import ParsedMail, ParseError, parse
from tests.mail.raw_mail import raw

GMAIL_FR_REPLY = raw(
    """\
    Return-Path: <marie.dupont@example.fr>
    Received: from mx.example.fr by mail.example.com; Mon, 23 Nov 2026 10:20:00 +0100
    From: =?UTF-8?Q?Marie_Dupont_=28Compta=29?= <Marie.Dupont@Example.FR>
    To: Support <support@example.com>, "Dupont, Jean" <jean@example.fr>
    Cc: chef@example.fr
    Reply-To: <marie.perso@example.org>
    Subject: =?UTF-8?Q?RE=C2=A0=3A_=5B=23123456=5D_Imprimante_en_panne?=
    Date: Mon, 23 Nov 2026 10:15:42 +0100
    Message-ID: <CAF=reply-42@mail.gmail.com>
    In-Reply-To: <ticket-123456.3@example.com>
    References: <ticket-123456.1@example.com>
     <ticket-123456.3@example.com>
    MIME-Version: 1.0
    Content-Type: multipart/alternative; boundary="alt"

    --alt
    Content-Type: text/plain; charset="UTF-8"
    Content-Transfer-Encoding: quoted-printable

    Bonjour,

    L'imprimante fonctionne de nouveau, merci !

    Le lun. 23 nov. 2026 =C3=A0 10:12, Support <support@example.com> a =C3=A9cri=
    t :

    > Bonjour Marie,
    > Pouvez-vous red=C3=A9marrer l'imprimante ?
    --alt
    Content-Type: text/html; charset="UTF-8"

    <div dir="ltr">Bonjour,<div><br></div><div>L'imprimante fonctionne de nouveau, merci !</div></div><br>
    <div class="gmail_quote"><div class="gmail_attr">Le lun. 23 nov. 2026 à 10:12, Support a écrit :</div>
    <blockquote class="gmail_quote">Bonjour Marie,<br>Pouvez-vous redémarrer l'imprimante ?</blockquote></div>
    --alt--
    """
)


@pytest.fixture(scope="module")
def gmail_reply() -> ParsedMail:
    return parse(GMAIL_FR_REPLY)


def test_threading_ids_are_given_without_angle_brackets(gmail_reply: ParsedMail) -> None:
    assert gmail_reply.message_id == "CAF=reply-42@mail.gmail.com"
    assert gmail_reply.in_reply_to == ("ticket-123456.3@example.com",)
    assert gmail_reply.references == ("ticket-123456.1@example.com", "ticket-123456.3@example.com")
    assert gmail_reply.thread_ids == ("ticket-123456.3@example.com", "ticket-123456.1@example.com")


def test_addresses_are_lower_case_and_names_decoded(gmail_reply: ParsedMail) -> None:
    assert gmail_reply.from_address == "marie.dupont@example.fr"
    assert gmail_reply.from_name == "Marie Dupont (Compta)"
    assert gmail_reply.to == ("support@example.com", "jean@example.fr")
    assert gmail_reply.cc == ("chef@example.fr",)
    assert gmail_reply.reply_to == "marie.perso@example.org"


def test_subject_and_date(gmail_reply: ParsedMail) -> None:
    assert gmail_reply.subject == "RE : [#123456] Imprimante en panne"
    assert gmail_reply.date == datetime(2026, 11, 23, 9, 15, 42, tzinfo=UTC)
    assert gmail_reply.date.utcoffset() == timedelta(hours=1)


def test_bodies_visible_reply_and_language(gmail_reply: ParsedMail) -> None:
    assert gmail_reply.text.startswith(
        "Bonjour,\n\nL'imprimante fonctionne de nouveau, merci !\n\nLe lun. 23 nov."
    )
    assert gmail_reply.visible_text == "Bonjour,\n\nL'imprimante fonctionne de nouveau, merci !"
    assert "Pouvez-vous redémarrer" in gmail_reply.quoted
    assert "gmail_quote" not in gmail_reply.html  # classes are not kept by the sanitiser
    assert "Pouvez-vous" in gmail_reply.html
    assert "Pouvez-vous" not in gmail_reply.visible_html
    assert gmail_reply.language == "fr"
    assert gmail_reply.defects == ()
    assert not gmail_reply.classification.is_automatic


def test_all_headers_are_kept_decoded_in_order(gmail_reply: ParsedMail) -> None:
    names = [name for name, _value in gmail_reply.headers]
    assert names[:4] == ["Return-Path", "Received", "From", "To"]
    assert gmail_reply.header("subject") == "RE\u00a0: [#123456] Imprimante en panne"  # as sent
    assert gmail_reply.header("References") == "<ticket-123456.1@example.com> <ticket-123456.3@example.com>"
    assert gmail_reply.header("X-Missing") is None


def test_date_without_zone_is_utc_and_garbage_date_is_none() -> None:
    base = "From: a@example.fr\nSubject: x\n"
    assert parse(raw(base + "Date: 23 Nov 2026 10:15:42\n\nx")).date == datetime(
        2026, 11, 23, 10, 15, 42, tzinfo=UTC
    )
    mail = parse(raw(base + "Date: lundi prochain\n\nx"))
    assert mail.date is None
    assert mail.defects == ("unreadable Date header: 'lundi prochain'",)
    tz = parse(raw(base + "Date: Mon, 23 Nov 2026 10:15:42 -0500\n\nx")).date
    assert tz is not None
    assert tz.tzinfo == timezone(timedelta(hours=-5))


@pytest.mark.parametrize(
    ("header", "name", "address"),
    [
        ("From: Marie Dupont marie@example.fr", "Marie Dupont", "marie@example.fr"),
        ('From: "power quadrant"<power quadrant@example.com>', "power quadrant", "powerquadrant@example.com"),
        ("From: alice@example.com <bob@example.com>", "alice@example.com", "bob@example.com"),
        ('From: "Dupont, Marie" <MARIE@EXAMPLE.FR>', "Dupont, Marie", "marie@example.fr"),
        ("From: marie@example.fr (Marie Dupont)", "Marie Dupont", "marie@example.fr"),
        ("From: =?utf-8?q?B=C3=A9r=C3=A9nice?= <b@example.fr>", "Bérénice", "b@example.fr"),
    ],
)
def test_messy_from_headers_still_give_the_sender(header: str, name: str, address: str) -> None:
    mail = parse(raw(f"{header}\nSubject: x\n\nx"))
    assert (mail.from_name, mail.from_address) == (name, address)


def test_from_without_address_falls_back_to_reply_to_and_says_so() -> None:
    mail = parse(raw('From: "Moi" <>\nReply-To: <marie@example.fr>\nSubject: x\n\nx'))
    assert mail.from_address == "marie@example.fr"
    assert "no address in From; the sender was taken from Reply-To" in mail.defects


def test_no_sender_at_all() -> None:
    mail = parse(raw("Subject: x\n\nBonjour"))
    assert (mail.from_address, mail.from_name) == (None, "")
    assert "no From header" in mail.defects


def test_lost_folding_whitespace_is_repaired() -> None:
    mail = parse(
        raw(
            """\
            Received: from relay.example.fr (1.2.3.4)
            by mx.example.com with SMTP; Mon, 23 Nov 2026 10:15:42 +0100
            X-Tracker: AAAAAAAAAAAAAAA
            BBBBBBBBBBBBBBBB
            From: Marie Dupont <marie@example.fr>
            Subject: Toujours là

            Bonjour
            """
        )
    )
    assert mail.subject == "Toujours là"
    assert mail.from_address == "marie@example.fr"
    assert mail.text == "Bonjour\n"
    assert "header lines without folding whitespace were joined to the header above" in mail.defects


def test_multipart_without_boundary_is_read_as_text_with_defects() -> None:
    mail = parse(
        raw(
            """\
            From: marie@example.fr
            Subject: Sans frontière
            Content-Type: multipart/mixed

            Le texte est quand même là.
            """
        )
    )
    assert "Le texte est quand même là." in mail.text
    assert "NoBoundaryInMultipartDefect" in mail.defects
    assert "multipart part without readable sub-parts (missing boundary?): read as text" in mail.defects


def test_missing_start_boundary_is_reported() -> None:
    mail = parse(
        raw(
            'From: marie@example.fr\nSubject: x\nContent-Type: multipart/mixed; boundary="zz"\n\n'
            "Texte sans frontière.\n"
        )
    )
    assert "StartBoundaryNotFoundDefect" in mail.defects


def test_mbox_from_line_is_ignored() -> None:
    mail = parse(
        raw("From marie@example.fr Mon Nov 23 10:15:42 2026\nFrom: Marie <marie@example.fr>\nSubject: x\n\nx")
    )
    assert mail.from_address == "marie@example.fr"


def test_text_without_headers_is_salvaged_as_a_body() -> None:
    mail = parse("Bonjour, ceci n'a pas d'en-têtes.\nMerci".encode())
    assert mail.text == "Bonjour, ceci n'a pas d'en-têtes.\nMerci"
    assert "no header section: the whole input was read as the body" in mail.defects


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty input"),
        (b"  \r\n\r\n ", "empty input"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "Outlook .msg file"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "a PDF document"),
        (b"PK\x03\x04" + bytes(100), "a ZIP archive"),
        (bytes(range(256)) * 4, "binary data without mail headers"),
    ],
)
def test_bytes_that_are_not_a_mail_raise_a_clear_parse_error(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse(data)


def test_parse_error_is_a_value_error() -> None:
    assert issubclass(ParseError, ValueError)


def test_english_mail_language() -> None:
    mail = parse(
        raw(
            "From: a@example.com\nSubject: Printer\n\n"
            "Hello, the printer is down again. Could you please help?\n"
        )
    )
    assert mail.language == "en"
    assert parse(raw("From: a@example.com\nSubject: 42\n\nOK\n")).language == ""


def test_structure_nested_beyond_the_parser_is_salvaged() -> None:
    depth = 3000
    chunks = [b"From: Marie <marie@example.fr>\r\nSubject: Poupees russes\r\n"]
    chunks.append(b"Content-Type: multipart/mixed; boundary=b0\r\n\r\n")
    chunks += [
        b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (i - 1, i) for i in range(1, depth)
    ]
    chunks.append(b"--b%d\r\nContent-Type: text/plain\r\n\r\nAu fond.\r\n" % (depth - 1))
    mail = parse(b"".join(chunks))
    assert mail.subject == "Poupees russes"
    assert mail.from_address == "marie@example.fr"
    assert "Au fond." in mail.text
    assert "MIME structure nested too deeply: the body was kept undecoded" in mail.defects


def test_the_parsing_package_imports_no_django() -> None:
    """CONVENTIONS §3: mail parsing is a pure module, tested without a database."""
    code = (
        "import sys, comptoir.mail.parsing; print(sorted(m for m in sys.modules if m.startswith('django')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert result.stdout.strip() == "[]"
