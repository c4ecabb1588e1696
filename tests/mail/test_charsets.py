"""Bodies and subjects in the charsets French mail really comes in, declared right or wrong."""

from __future__ import annotations

import base64

import pytest

from comptoir.mail.parsing import parse
from comptoir.mail.parsing.charsets import decode_bytes
from comptoir.mail.parsing.headers import decode_words
from tests.mail.raw_mail import raw

TEXT = "Bonjour, l'écran de la caisse n°3 reste noir depuis l'été. Ça coûte cher, « vite » !"


def _plain(body: bytes, *, charset: str | None, encoding: str = "8bit", subject: str = "Caisse") -> bytes:
    content_type = "text/plain" + (f"; charset={charset}" if charset else "")
    head = (
        f"From: Marie <marie@example.fr>\r\nTo: support@example.com\r\nSubject: {subject}\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n"
    )
    return head.encode("ascii") + body


@pytest.mark.parametrize("charset", ["iso-8859-1", "ISO-8859-15", "windows-1252", "utf-8", "UTF8"])
def test_declared_charset_is_used(charset: str) -> None:
    encoded = TEXT.encode({"iso-8859-1": "cp1252", "UTF8": "utf-8"}.get(charset, charset))
    mail = parse(_plain(encoded, charset=charset))
    assert mail.text == TEXT
    assert mail.defects == ()


def test_windows_1252_characters_in_a_part_declared_latin_1() -> None:
    """Outlook declares iso-8859-1 and sends windows-1252 (œ, €, “ ” …)."""
    mail = parse(_plain("Œuvre à 10 € — « l’écran »".encode("cp1252"), charset="iso-8859-1"))
    assert mail.text == "Œuvre à 10 € — « l’écran »"


def test_utf8_text_declared_latin_1_is_read_as_utf8_and_reported() -> None:
    mail = parse(_plain(TEXT.encode("utf-8"), charset="iso-8859-1"))
    assert mail.text == TEXT
    assert mail.defects == ("charset declared as 'iso-8859-1' but the text is UTF-8",)


def test_latin_1_text_declared_utf8_is_salvaged_and_reported() -> None:
    mail = parse(_plain(TEXT.encode("cp1252"), charset="utf-8"))
    assert mail.text == TEXT
    assert "text is not valid 'utf-8'" in mail.defects[0]


def test_missing_or_unknown_charset() -> None:
    assert parse(_plain(TEXT.encode("utf-8"), charset=None)).text == TEXT
    assert parse(_plain(TEXT.encode("cp1252"), charset=None)).text == TEXT
    mail = parse(_plain(TEXT.encode("cp1252"), charset="x-unknown-charset"))
    assert mail.text == TEXT
    assert mail.defects == ("unknown charset 'x-unknown-charset'; read as windows-1252",)


def test_quoted_printable_and_base64_bodies() -> None:
    qp = "Bonjour, l'=C3=A9cran est noir.=\r\nSuite de la ligne.\r\n".encode("ascii")
    assert parse(_plain(qp, charset="utf-8", encoding="quoted-printable")).text == (
        "Bonjour, l'écran est noir.Suite de la ligne.\n"
    )
    b64 = base64.encodebytes(TEXT.encode("iso-8859-15"))
    assert parse(_plain(b64, charset="iso-8859-15", encoding="base64")).text == TEXT


def test_truncated_base64_keeps_what_can_be_read() -> None:
    b64 = base64.b64encode(TEXT.encode("utf-8"))[:-3]
    mail = parse(_plain(b64, charset="utf-8", encoding="base64"))
    assert mail.text.startswith("Bonjour, l'écran")


@pytest.mark.parametrize(
    ("header", "decoded"),
    [
        ("=?UTF-8?Q?Probl=C3=A8me_d'=C3=A9cran?=", "Problème d'écran"),
        ("=?iso-8859-1?q?Probl=E8me_d'=E9cran?=", "Problème d'écran"),
        ("=?utf-8?B?UHJvYmzDqG1lIGQnw6ljcmFu?=", "Problème d'écran"),
        ("RE: =?utf-8?q?Probl=C3=A8me?= =?utf-8?q?_d'=C3=A9cran?=", "RE: Problème d'écran"),
        # a character split across two words, and words folded over two lines
        ("=?utf-8?B?UHJvYmzD?=\r\n =?utf-8?B?qG1l?=", "Problème"),
        # broken: missing base64 padding, lower-case charset with language, no space before text
        ("=?UTF-8?B?w6ljcmFu?=noir", "écrannoir"),
        ("=?utf-8*fr?q?=C3=A9cran?=", "écran"),
        ("=?UTF-8?B?w6ljcmFu=?=", "écran"),
        ("=?utf-8?B?w6ljcmFu", "=?utf-8?B?w6ljcmFu"),  # unterminated: kept as written
        ("=?x-unknown?q?=E9cran?=", "écran"),
        ("=?windows-1258?Q?R=E9clamation_commande?=", "Réclamation commande"),
    ],
)
def test_rfc_2047_words_are_decoded_even_when_broken(header: str, decoded: str) -> None:
    assert decode_words(header.replace("\r\n", "")) == decoded


def test_subject_is_decoded_unfolded_and_whitespace_normalised() -> None:
    message = _plain(
        b"x",
        charset="utf-8",
        subject="RE:  =?utf-8?q?Probl=C3=A8me?=\r\n\t =?utf-8?q?_d'=C3=A9cran?=  \r\n  noir",
    )
    assert parse(message).subject == "RE: Problème d'écran noir"


def test_raw_8bit_headers_are_read_in_the_body_charset() -> None:
    head = (
        "Subject: Écran noir n°3\r\nFrom: Bérénice <b@example.fr>\r\n"
        "Content-Type: text/plain; charset=iso-8859-1\r\n"
    )
    mail = parse(head.encode("cp1252") + b"\r\n" + "Bonjour".encode("cp1252"))
    assert mail.subject == "Écran noir n°3"
    assert mail.from_name == "Bérénice"


def test_decode_bytes_never_raises() -> None:
    assert decode_bytes(bytes(range(256)), "utf-8")[0]
    assert decode_bytes(b"\x81\x8d\x8f", "windows-1252")[0] == "\x81\x8d\x8f"
    assert decode_bytes(b"caf\xe9", "no-such-charset") == (
        "café",
        "unknown charset 'no-such-charset'; read as windows-1252",
    )


def test_japanese_mislabelled_as_iso_2022_jp_is_read_as_shift_jis() -> None:
    assert decode_bytes("ツール".encode("cp932"), "iso-2022-jp")[0] == "ツール"


def test_mail_in_windows_1252_with_french_body_guesses_french() -> None:
    mail = parse(
        raw(
            """\
            From: Marie Dupont <marie.dupont@example.fr>
            Subject: Caisse
            Content-Type: text/plain; charset=windows-1252

            Bonjour, la caisse ne démarre plus depuis ce matin. Pouvez-vous nous aider ?
            Merci
            """,
            encoding="cp1252",
        )
    )
    assert mail.language == "fr"
    assert "démarre" in mail.text
