"""The visible reply of mails written in English (and the languages mail-parser-reply knows)."""

from __future__ import annotations

import pytest

from comptoir.mail.parsing import extract_reply


@pytest.mark.parametrize(
    "attribution",
    [
        "On Mon, Nov 23, 2026 at 10:12 AM IT Support <support@example.com> wrote:",
        "On Mon, Nov 23, 2026 at 10:12 AM IT Support <\nsupport@example.com> wrote:",
        "On 23 Nov 2026, at 10:12, IT Support <support@example.com> wrote:",
        "On 11/23/2026 10:12 AM, IT Support wrote:",
        "2026-11-23 10:12 GMT+01:00 IT Support <support@example.com>:",
        "Am 23.11.2026 um 10:12 schrieb IT Support <support@example.com>:",
        "Op 23 nov. 2026 om 10:12 heeft IT Support <support@example.com> het volgende geschreven:",
        "El 23/11/2026 a las 10:12, IT Support <support@example.com> escribió:",
    ],
)
def test_gmail_and_apple_attributions_start_the_history(attribution: str) -> None:
    body = f"It works again, thanks!\n\n{attribution}\n\n> Could you restart the printer?\n"
    reply = extract_reply(body)
    assert reply.visible == "It works again, thanks!"
    assert reply.quoted.endswith("> Could you restart the printer?")


def test_outlook_english_header_block() -> None:
    body = (
        "Fixed, thank you.\n\n________________________________\nFrom: IT Support <support@example.com>\n"
        "Sent: Monday, November 23, 2026 10:12 AM\nTo: Mary Smith <mary@example.org>\n"
        "Subject: [#123456] Printer down\n\nHi Mary,\n\nCould you restart the printer?\n"
    )
    reply = extract_reply(body)
    assert reply.visible == "Fixed, thank you."
    assert reply.quoted.startswith("________________________________\nFrom: IT Support")


def test_original_message_separator() -> None:
    body = "Done.\n\n-----Original Message-----\nFrom: IT Support\nSent: Monday\n\nHi\n"
    assert extract_reply(body).visible == "Done."


def test_regards_block_is_a_signature_but_thanks_and_a_name_stay() -> None:
    assert (
        extract_reply("Printer fixed.\n\nBest regards,\nMary Smith\nAccounting").visible == "Printer fixed."
    )
    assert extract_reply("Printer fixed.\n\nThanks,\nMary").visible == "Printer fixed.\n\nThanks,\nMary"


def test_dash_name_sign_off_and_mailing_list_footer_are_signatures() -> None:
    body = (
        "What is the best way to clear a bucket?\n\n-Mary\n\n\n"
        "_______________________________________________\n"
        "users mailing list\nusers@lists.example.org\n"
    )
    reply = extract_reply(body)
    assert reply.visible == "What is the best way to clear a bucket?"
    assert reply.signature.startswith("-Mary")


def test_bullet_lists_are_not_signatures() -> None:
    body = "Steps:\n\n- open the app\n- click Print\n"
    assert extract_reply(body).visible == "Steps:\n\n- open the app\n- click Print"


def test_dash_inside_a_line_is_not_a_signature_delimiter() -> None:
    body = "Use the -- option to stop parsing.\nThen run it again."
    assert extract_reply(body).visible == body


def test_a_huge_quoted_history_is_cut() -> None:
    """Quote headers are short: a 800 KB quoted line is not fed to the header patterns."""
    body = "Short answer.\n\nOn Mon, Nov 23, 2026 at 10:12 AM Support wrote:\n" + "> " + "x" * 800_000 + "\n"
    reply = extract_reply(body)
    assert reply.visible == "Short answer."
    assert len(reply.quoted) > 800_000
