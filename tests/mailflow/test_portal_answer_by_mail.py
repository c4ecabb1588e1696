"""A request opened on the portal is answered by mail: the mail goes to the Reply-To (the
default mailbox), and the answer lands on the request."""

from __future__ import annotations

from django.core import mail as django_mail

from comptoir.tickets.models import Ticket
from tests.mailflow.test_pipeline import compose, deliver, mailbox  # noqa: F401 (fixture)


def test_answering_a_portal_request_s_mail_adds_to_the_request(
    desk,
    mailbox,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = desk.open(subject="Les images ne s'affichent plus")
    ack = django_mail.outbox[-1]
    assert ack.extra_headers["Reply-To"] == mailbox.address
    outcome = deliver(
        compose(
            subject=f"RE: {ack.subject}",
            body="Voici une capture.",
            in_reply_to=ack.extra_headers["Message-ID"],
        ),
        mailbox,
    )
    assert (outcome.status, outcome.ticket_number) == ("reply", ticket.number)
    assert Ticket.objects.count() == 1
