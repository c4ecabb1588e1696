"""Mail subjects are plain text: a French subject with an apostrophe (most of them), quotes,
"<", "&" or an emoji arrives as written in every mail Comptoir sends, never as HTML codes
("s&#x27;affichent")."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.template import Context
from django.template.loader import get_template
from django.utils import translation

import comptoir

HOSTILE = 'Les images ne s\'affichent plus "vite" <b>&amp; 🙂'
SUBJECT_TEMPLATES = sorted(
    str(path.relative_to(path.parents[2]))
    for path in Path(comptoir.__file__).parent.glob("*/templates/*/mail/*subject*.txt")
)


class Anything(str):
    """Whatever a template asks of it: the hostile text (or 2, where a number is needed)."""

    def __new__(cls) -> Anything:
        return super().__new__(cls, HOSTILE)

    def __getattr__(self, name: str) -> Anything:
        return Anything()

    def __getitem__(self, key: object) -> Anything:  # type: ignore[override]
        return Anything()

    def __int__(self) -> int:
        return 2


class Everything(dict):  # type: ignore[type-arg]
    """Every name a template uses (``month`` is a date: the monthly report's)."""

    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: object) -> object:
        return date(2026, 12, 1) if key == "month" else Anything()


def test_the_subject_templates_are_found():
    assert len(SUBJECT_TEMPLATES) >= 30


@pytest.mark.parametrize("name", SUBJECT_TEMPLATES)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_subject_keeps_its_apostrophes_quotes_and_brackets(name: str, language: str):
    template = get_template(name).template
    with translation.override(language):
        text = template.render(Context(Everything()))
    for entity in ("&#", "&lt;", "&gt;", "&quot;", "&amp;amp;"):
        assert entity not in text, text
    if "{{" in Path(template.origin.name).read_text():
        assert HOSTILE in text, text  # every subject shows the ticket's own words as written


@pytest.mark.django_db
def test_the_acknowledgement_of_a_french_subject_arrives_unchanged(desk, smtp):
    from email.message import EmailMessage

    from comptoir.core import outbox
    from comptoir.mail.inbound.pipeline import receive
    from comptoir.mail.models import InboundMail, Mailbox

    mailbox = Mailbox.objects.create(name="Support", address="support@paroisse.example", product=desk.product)
    msg = EmailMessage()
    msg["From"] = desk.requester.email
    msg["To"] = mailbox.address
    msg["Subject"] = "Les images ne s'affichent plus"
    msg["Message-ID"] = "<images@example.org>"
    msg.set_content("Bonjour,\n\nLes images de la page d'accueil ne s'affichent plus.")
    outcome = receive(msg.as_bytes(), source=InboundMail.Source.PIPE, mailbox=mailbox)
    outbox.deliver_due()
    (ack,) = [r.message for r in smtp.received if desk.requester.email in r.rcpt_tos]
    assert ack["Subject"].endswith("Les images ne s'affichent plus")
    assert ack["Subject"].startswith(f"[#{outcome.ticket_number}] ")
