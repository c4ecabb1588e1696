"""A flood by mail reaches the team once. 2,000 new-request mails from one sender: the first
ten open requests, the rest wait in the quarantine with the reason (every raw mail kept),
the sender gets a handful of acknowledgements, the supervisors one mail, and the agents no
"ticket assigned" mail per flood mail. A whole domain has its own limit; answers to existing
requests are never held; an administrator's Retry opens a held mail."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from comptoir.accounts.models import User
from comptoir.core import outbox
from comptoir.mail import services as mail_services
from comptoir.mail.inbound import pipeline
from comptoir.mail.models import InboundMail, Mailbox
from comptoir.tickets.models import Ticket

SUPPORT = "support@paroisse.example"


@pytest.fixture
def mailbox(desk) -> Mailbox:  # type: ignore[no-untyped-def]
    return Mailbox.objects.create(
        name="Support", address=SUPPORT, product=desk.product, unknown_senders=Mailbox.UnknownSenders.CREATE
    )


def new_request(sender: str, n: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = SUPPORT
    msg["Subject"] = f"Demande {n} : le site ne répond plus"
    msg["Message-ID"] = f"<flot-{n}-{sender.replace('@', '.')}>"
    msg.set_content(f"Bonjour,\n\nLe site ne répond plus ({n}).\n")
    return msg.as_bytes()


def receive(raw: bytes, mailbox: Mailbox) -> pipeline.Outcome:
    return pipeline.receive(raw, source=InboundMail.Source.PIPE, mailbox=mailbox)


@pytest.mark.django_db
def test_2000_mails_from_one_sender_open_ten_requests_and_reach_the_team_once(
    desk, mailbox, mailoutbox, lost_mails
):
    sender = "robot@spam.example"
    lost_mails.sent(2000)
    for n in range(2000):
        receive(new_request(sender, n), mailbox)
    outbox.deliver_due(limit=10_000)

    assert Ticket.objects.count() == 10
    assert InboundMail.objects.count() == 2000  # every raw mail kept
    held = InboundMail.objects.filter(state="quarantined", outcome="flood")
    assert held.count() == 1990
    assert "Flood" in held.first().reason or "Arrivée massive" in held.first().reason
    to_sender = [m for m in mailoutbox if sender in m.to]
    assert 1 <= len(to_sender) <= 5
    supervisors = {desk.supervisor.email, desk.admin.email}
    team_notices = [m for m in mailoutbox if set(m.to) & supervisors and "spam.example" in m.subject]
    assert len(team_notices) == 1
    agents = {u.email for u in User.objects.filter(role=User.Role.AGENT)}
    assert len([m for m in mailoutbox if set(m.to) & agents]) <= 10


@pytest.mark.django_db
def test_a_domain_has_its_own_limit(desk, mailbox, settings, lost_mails):
    lost_mails.sent(8)
    settings.COMPTOIR_FLOOD_LIMITS = "3/h/sender,5/h/domain"
    for n in range(8):
        receive(new_request(f"personne{n}@botnet.example", n), mailbox)
    assert Ticket.objects.count() == 5
    assert InboundMail.objects.filter(outcome="flood").count() == 3


@pytest.mark.django_db
def test_answers_to_existing_requests_are_never_held(desk, mailbox, settings):
    settings.COMPTOIR_FLOOD_LIMITS = "2/h/sender"
    sender = desk.requester.email
    first = receive(new_request(sender, 0), mailbox)
    receive(new_request(sender, 1), mailbox)
    for n in range(5):
        answer = EmailMessage()
        answer["From"] = sender
        answer["To"] = SUPPORT
        answer["Subject"] = f"RE: [#{first.ticket_number}] Demande 0 : le site ne répond plus"
        answer["Message-ID"] = f"<reponse-{n}@example.org>"
        answer.set_content(f"Précision {n}")
        assert receive(answer.as_bytes(), mailbox).status == "reply"
    assert receive(new_request(sender, 2), mailbox).status == "quarantined"


@pytest.mark.django_db
def test_an_administrator_retry_opens_a_held_mail(desk, mailbox, settings):
    settings.COMPTOIR_FLOOD_LIMITS = "1/h/sender"
    sender = "helene@paroisse.example"
    receive(new_request(sender, 0), mailbox)
    held = receive(new_request(sender, 1), mailbox)
    assert held.status == "quarantined"
    outcome = mail_services.retry(InboundMail.objects.get(pk=held.inbound_id), by=desk.supervisor)
    assert outcome.status == "new_ticket"
    assert Ticket.objects.count() == 2
