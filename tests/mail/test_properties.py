"""Properties that hold for any input: nothing crashes, nothing is invented, the view is a view."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.mail.parsing import ParseError, extract_reply, parse
from comptoir.mail.parsing.headers import decode_words
from comptoir.mail.parsing.subject import clean_subject, ticket_reference

_LINES = st.lists(
    st.one_of(
        st.text(max_size=60),
        st.sampled_from(
            [
                "> cité",
                "Le 23 nov. 2026 à 10:12, Marie <m@example.fr> a écrit :",
                "On Mon, Nov 23, 2026 at 10:12 AM Marie wrote:",
                "De : Support",
                "Envoyé : lundi",
                "-- ",
                "Cordialement,",
                "Envoyé de mon iPhone",
                "________________________________",
                "",
            ]
        ),
    ),
    max_size=30,
)
_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(_LINES)
def test_reply_view_only_keeps_lines_of_the_original(lines: list[str]) -> None:
    text = "\n".join(lines)
    reply = extract_reply(text)
    original = set(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    for part in (reply.visible, reply.signature, reply.quoted):
        # Lines may lose their surrounding blanks (Python's notion: form feeds too), nothing else.
        trimmed = {f(line) for line in original for f in (str.strip, str.rstrip, str.lstrip)}
        assert set(part.split("\n")) - {""} <= original | trimmed


@_SETTINGS
@given(st.binary(max_size=2000))
def test_parse_never_raises_anything_but_parse_error(data: bytes) -> None:
    try:
        mail = parse(data)
    except ParseError as error:
        message = str(error)
        assert message
    else:
        assert isinstance(mail.text, str)


@_SETTINGS
@given(
    st.lists(
        st.sampled_from(
            [
                b"From: Marie <marie@example.fr>\r\n",
                b"Subject: =?utf-8?B?w6ljcmFu?=\r\n",
                b"Content-Type: multipart/mixed; boundary=x\r\n",
                b"Content-Type: text/plain; charset=utf-8\r\n",
                b"Content-Transfer-Encoding: base64\r\n",
                b"Content-Disposition: attachment; filename*=utf-8''a%C3%A9.pdf\r\n",
                b"\r\n",
                b"--x\r\n",
                b"--x--\r\n",
                b"\xe9t\xe9 \xff\xfe\r\n",
                b"QUJD\r\n",
                b"> quoted\r\n",
            ]
        ),
        max_size=40,
    )
)
def test_parse_survives_shuffled_mime_fragments(chunks: list[bytes]) -> None:
    with contextlib.suppress(ParseError):
        parse(b"".join(chunks))


@_SETTINGS
@given(st.text(max_size=200))
def test_header_decoding_and_subject_rules_never_raise(value: str) -> None:
    assert isinstance(decode_words(value), str)
    assert isinstance(clean_subject(value), str)
    reference = ticket_reference(value)
    assert reference is None or reference >= 10000


@_SETTINGS
@given(
    st.integers(min_value=100001, max_value=999_999_999),
    st.sampled_from(["RE: ", "TR : ", "Fwd: ", "AW: ", ""]),
)
def test_our_reference_survives_any_reply_prefix(number: int, prefix: str) -> None:
    subject = f"{prefix}[#{number}] Imprimante"
    assert ticket_reference(subject) == number
    assert clean_subject(subject) == "Imprimante"
