"""What the pipeline sees in a mail, for people: ``comptoir mail parse FILE [--json]``.
Reads the products to show which one the subject names; stores nothing. Works without a
database: only the product is then left unknown (``product_unknown``)."""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError

from comptoir.catalog.models import Product
from comptoir.mail.inbound.threading import ticket_number
from comptoir.mail.parsing import ParsedMail
from comptoir.mail.parsing.subject import clean_subject, is_urgent, match_product


def _products() -> list[tuple[int, list[str], str]] | None:
    """The active products and their names, or None when the database cannot say (not
    migrated yet, unreachable): parsing a mail needs no database."""
    try:
        return [
            (p.pk, [p.name, *(a.strip() for a in p.aliases.split(",") if a.strip())], p.name)
            for p in Product.objects.filter(is_active=True)
        ]
    except DatabaseError:
        return None


def describe(mail: ParsedMail, *, domain: str, urgent_words: tuple[str, ...] = ("urgent",)) -> dict[str, Any]:
    known = _products()
    products = known or []
    product_id = match_product(clean_subject(mail.subject), [(pk, names) for pk, names, _n in products])
    return {
        "message_id": mail.message_id,
        "from": mail.from_address,
        "from_name": mail.from_name,
        "to": list(mail.to),
        "cc": list(mail.cc),
        "subject": mail.subject,
        "date": mail.date.isoformat() if mail.date else None,
        "language": mail.language,
        "ticket_reference": ticket_number(mail, domain=domain),
        "urgent": is_urgent(mail.subject, urgent_words),
        "product": next((name for pk, _names, name in products if pk == product_id), None),
        "product_unknown": known is None,
        "classification": {
            "auto_reply": mail.classification.is_auto_reply,
            "bounce": mail.classification.is_bounce,
            "reason": mail.classification.reason,
            # Only the subject's words said so: a known customer's mail still makes a ticket.
            "subject_only": mail.classification.weak,
        },
        "visible_text": mail.visible_text,
        "signature": mail.signature,
        "quoted": mail.quoted,
        "attachments": [
            {
                "filename": a.filename,
                "content_type": a.content_type,
                "size": len(a.content),
                "inline": a.inline,
                "content_id": a.content_id,
                "too_large": a.too_large,
            }
            for a in mail.attachments
        ],
        "has_html": bool(mail.html),
        "defects": list(mail.defects),
    }


def as_text(info: dict[str, Any]) -> str:
    lines = [
        f"From:        {info['from_name']} <{info['from']}>",
        f"Subject:     {info['subject']}",
        f"Message-ID:  {info['message_id']}",
        f"Ticket:      {'#' + str(info['ticket_reference']) if info['ticket_reference'] else '-'}",
        f"Urgent:      {'yes' if info['urgent'] else 'no'}",
        "Product:     "
        + (
            "? (the database is not set up: run `comptoir migrate`)"
            if info["product_unknown"]
            else info["product"] or "-"
        ),
        f"Auto-reply:  {'yes' if info['classification']['auto_reply'] else 'no'}",
        f"Bounce:      {'yes' if info['classification']['bounce'] else 'no'}"
        + (f" ({info['classification']['reason']})" if info["classification"]["reason"] else "")
        + (
            " — subject only: a known customer's mail still makes a ticket"
            if info["classification"]["subject_only"]
            else ""
        ),
        f"Language:    {info['language'] or '-'}",
        "",
        "--- visible text ---",
        info["visible_text"],
        "--- signature ---",
        info["signature"] or "(none)",
        "--- quoted ---",
        info["quoted"] or "(none)",
        "--- attachments ---",
        *[
            f"{a['filename']} ({a['content_type']}, {a['size']} bytes{', inline' if a['inline'] else ''})"
            for a in info["attachments"]
        ],
    ]
    if info["defects"]:
        lines += ["--- defects ---", *info["defects"]]
    return "\n".join(lines)
