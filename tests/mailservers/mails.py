"""Mails as people's mail clients write them (raw bytes, CRLF, as they travel)."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.utils import timezone

SUPPORT = "support@paroisse.example"


def compose(
    *,
    sender: str = "Pierre Martin <pierremartin@example.org>",
    to: str = SUPPORT,
    subject: str = "Sites associés WordPress : import des contacts dans Mailpoet",
    body: str = "Bonjour,\n\nComment importer la liste des paroissiens dans Mailpoet ?\n\nPierre",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
) -> bytes:
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(timezone.now())
    msg["Message-ID"] = message_id or make_msgid(domain="client.example")
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = references or in_reply_to
    msg["User-Agent"] = "Mozilla Thunderbird"
    msg.set_content(body)
    return msg.as_bytes()


def answer_from_mail_client(
    answered: EmailMessage, *, sender: str, text: str, signature: str, prefix: str = "RE:"
) -> bytes:
    """The requester presses "Reply" on one of our mails in Gmail, Outlook or Apple Mail:
    "RE: <subject>", In-Reply-To and References pointing at our mail, their new text, their
    signature, then our mail quoted under a French attribution line."""
    original = answered.get_body(preferencelist=("plain",))
    assert original is not None, "our mails always have a text part"
    quoted = "\n".join(f"> {line}" if line else ">" for line in original.get_content().splitlines())
    body = (
        f"{text}\n\n-- \n{signature}\n\n"
        f"Le lun. 23 nov. 2026 à 10:12, Support <{SUPPORT}> a écrit :\n{quoted}\n"
    )
    references = " ".join(filter(None, [answered.get("References", ""), answered["Message-ID"]]))
    return compose(
        sender=sender,
        subject=f"{prefix} {answered['Subject']}",
        body=body,
        in_reply_to=answered["Message-ID"],
        references=references,
    )
