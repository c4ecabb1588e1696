"""A reply after closure opens a follow-up named after the customer's own subject, not after
the label of Comptoir's closing mail ("Demande clôturée : …", "Request closed: …")."""

from __future__ import annotations

import pytest
from django.core import mail as django_mail

from comptoir.core import outbox
from comptoir.tickets import services
from comptoir.tickets.models import Ticket
from tests.conftest import flush_mail
from tests.mailflow.test_pipeline import compose, deliver, mailbox  # noqa: F401 (fixture)


@pytest.mark.parametrize(("language", "label"), [("fr", "Demande clôturée : "), ("en", "Request closed: ")])
def test_answering_the_closing_mail_opens_a_ticket_with_the_customer_s_subject(
    desk,
    mailbox,  # noqa: F811
    language,
    label,
) -> None:
    desk.requester.language = language
    desk.requester.save(update_fields=["language"])
    subject = "Les images ne s'affichent plus"
    old = Ticket.objects.get(number=deliver(compose(subject=subject), mailbox).ticket_number)
    services.change_status(old, to="resolved", by=desk.l1)
    flush_mail()
    services.change_status(old, to="closed", by=None)
    outbox.deliver_due()
    closing = [m for m in django_mail.outbox if m.to == [desk.requester.email]][-1]
    assert closing.subject == f"[#{old.number}] {label}{subject}"
    for answer in (f"RE: {closing.subject}", f"TR: RE : {closing.subject}"):
        outcome = deliver(compose(subject=answer, body="Ça recommence."), mailbox)
        assert outcome.status == "follow_up"
        assert Ticket.objects.get(number=outcome.ticket_number).subject == subject
