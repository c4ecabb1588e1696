"""The same rules over e-mail: an ineligible sender, or the 21st request under the
approval policy, gets an answer saying why; the mail is processed and linked to the kept
request (never lost, never quarantined); approving answers in the same thread."""

from __future__ import annotations

import pytest
from django.core import mail

from comptoir.accounts.models import Organisation, User
from comptoir.admission import services as admission
from comptoir.admission.models import HeldRequest
from comptoir.core import outbox
from comptoir.mail.inbound.pipeline import receive
from comptoir.mail.models import InboundMail, Mailbox
from comptoir.tickets.models import Ticket
from tests.conftest import flush_mail
from tests.mailflow.test_pipeline import compose

CONTACT = "le service communication du diocèse"


@pytest.fixture
def mailbox(desk):
    return Mailbox.objects.create(name="Support", address="support@paroisse.example", product=desk.product)


def deliver(raw: bytes, mailbox: Mailbox):
    outcome = receive(raw, source=InboundMail.Source.PIPE, mailbox=mailbox)
    outbox.deliver_due()
    return outcome


def test_a_reader_writing_to_support_is_told_whom_to_contact_and_the_mail_is_kept(desk, mailbox):
    Organisation.objects.filter(pk=desk.parish.pk).update(
        eligible_roles=["owner", "editor"], support_contact=CONTACT
    )
    User.objects.filter(pk=desk.requester.pk).update(org_role="reader")

    outcome = deliver(compose(message_id="<logo@client.example>", subject="Changer le logo"), mailbox)

    assert outcome.status == "held"
    stored = InboundMail.objects.get()
    assert (stored.state, stored.outcome) == ("processed", "held")
    held = HeldRequest.objects.get()
    assert (held.inbound, held.reason, held.channel, held.mailbox) == (
        stored,
        "not_eligible",
        "email",
        mailbox,
    )
    assert not Ticket.objects.exists()
    [answer] = mail.outbox
    assert answer.to == ["pierremartin@example.org"]
    assert CONTACT in answer.body
    assert answer.extra_headers["In-Reply-To"] == "<logo@client.example>"
    assert answer.extra_headers["Auto-Submitted"] == "auto-replied"
    assert answer.extra_headers["Reply-To"] == "support@paroisse.example"


def test_a_flood_from_an_ineligible_sender_gets_a_few_answers_and_every_mail_is_kept(desk, mailbox):
    Organisation.objects.filter(pk=desk.parish.pk).update(eligible_roles=["owner"])
    for i in range(8):
        deliver(compose(subject=f"Relance {i}"), mailbox)
    assert HeldRequest.objects.count() == 8
    assert len(mail.outbox) == 5


def test_the_21st_mail_waits_for_approval_and_the_approval_answers_in_its_thread(desk, mailbox):
    Organisation.objects.filter(pk=desk.parish.pk).update(quota_policy="approval")
    for i in range(20):
        desk.open(subject=f"Demande {i}")
    flush_mail()

    outcome = deliver(compose(message_id="<messes@client.example>", subject="Horaires des messes"), mailbox)

    assert outcome.status == "held"
    [kept] = mail.outbox
    assert "20" in kept.body
    held = HeldRequest.objects.get()
    assert held.reason == "quota_approval"
    flush_mail()

    ticket = admission.approve(held, by=desk.supervisor)
    outbox.deliver_due()

    assert (ticket.mailbox, ticket.channel, ticket.mail_thread_id) == (
        mailbox,
        "email",
        "messes@client.example",
    )
    assert InboundMail.objects.get().ticket == ticket
    [approved] = mail.outbox
    assert approved.subject.startswith(f"[#{ticket.number}] ")
    assert approved.extra_headers["In-Reply-To"] == "<messes@client.example>"
    assert approved.extra_headers["X-Comptoir-Ticket"] == str(ticket.number)
