"""Following a request from a mail without a password (procedures 001 and 002: "automatic
reply with a link to follow the ticket"): the link of every mail to a requester signs them
in once, for their own requests only; expired, used, tampered or someone else's links open
nothing and say why."""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage

import pytest
import time_machine
from django.utils import timezone

from comptoir.accounts import follow_links
from comptoir.core import outbox
from comptoir.mail.inbound.pipeline import receive
from comptoir.mail.models import InboundMail, Mailbox
from comptoir.tickets import services
from comptoir.tickets.models import Ticket
from tests.pages import by_testid

LINK = re.compile(r"https?://\S+/portal/follow/[^/\s]+/")


@pytest.fixture
def mailbox(desk, settings):
    settings.COMPTOIR_BASE_URL = "http://testserver"
    return Mailbox.objects.create(name="Support", address="support@paroisse.example", product=desk.product)


def write_in(address: str, mailbox: Mailbox) -> Ticket:
    msg = EmailMessage()
    msg["From"] = f"Hélène Lefèvre <{address}>"
    msg["To"] = mailbox.address
    msg["Subject"] = "Le formulaire d'inscription a disparu"
    msg["Message-ID"] = "<helene-1@paroisse.example>"
    msg.set_content("Bonjour,\n\nLe formulaire ne s'affiche plus.\n\nHélène")
    outcome = receive(msg.as_bytes(), source=InboundMail.Source.PIPE, mailbox=mailbox)
    return Ticket.objects.get(number=outcome.ticket_number)


def text_of(message) -> str:  # type: ignore[no-untyped-def]
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message) -> str:  # type: ignore[no-untyped-def]
    return LINK.search(text_of(message)).group(0).split("testserver", 1)[1]


def test_someone_who_writes_by_mail_follows_and_answers_without_a_password(desk, mailbox, client, smtp):
    ticket = write_in("helene@paroisse.example", mailbox)
    assert not ticket.requester.has_usable_password()
    outbox.deliver_due()
    (ack,) = [r.message for r in smtp.received if "helene@paroisse.example" in r.rcpt_tos]
    assert "Aucun mot de passe" in text_of(ack)
    path = link_in(ack)

    page = client.get(path)
    assert page.status_code == 200
    assert by_testid(page.content, "follow-open")
    assert "_auth_user_id" not in client.session  # opening the mail's link alone signs nobody in
    opened = client.post(path)
    assert opened["Location"] == f"/portal/tickets/{ticket.number}/"
    ticket_page = client.get(opened["Location"])
    assert by_testid(ticket_page.content, "choose-password")
    client.post(f"/portal/tickets/{ticket.number}/reply/", {"body": "Sur la page Inscriptions, depuis hier."})
    assert ticket.messages.count() == 2

    # The link signed in once: opened again without the session, it asks for a new one.
    client.logout()
    again = client.get(path)
    assert again.status_code == 410
    assert by_testid(again.content, "follow-refused")[0].attrs["data-reason"] == "used"


def test_a_link_opens_only_its_owners_requests(desk, mailbox, client):
    ticket = desk.open()
    other = desk.open(requester=desk.neighbour)
    token = follow_links.make(desk.requester, other.number)
    client.post(f"/portal/follow/{token}/")
    assert client.get(f"/portal/tickets/{other.number}/").status_code == 404
    assert client.get(f"/portal/tickets/{ticket.number}/").status_code == 200


def test_a_tampered_link_shows_nothing(desk, client):
    ticket = desk.open()
    token = follow_links.make(desk.requester, ticket.number)
    page = client.get(f"/portal/follow/{token[:-3]}xyz/")
    assert page.status_code == 404
    assert by_testid(page.content, "follow-refused")[0].attrs["data-reason"] == "broken"
    assert not by_testid(page.content, "follow-resend")
    assert ticket.subject not in page.content.decode()


def test_an_expired_link_sends_a_fresh_one_to_its_owner_only(desk, client, smtp, settings):
    settings.COMPTOIR_BASE_URL = "http://testserver"
    ticket = desk.open()
    token = follow_links.make(desk.requester, ticket.number)
    with time_machine.travel(timezone.now() + follow_links.VALID_FOR + timedelta(hours=1)):
        page = client.get(f"/portal/follow/{token}/")
        assert by_testid(page.content, "follow-refused")[0].attrs["data-reason"] == "expired"
        client.post(f"/portal/follow/{token}/new/")
    smtp.received.clear()
    outbox.deliver_due()
    (fresh,) = [r.message for r in smtp.received]
    assert fresh["To"] == desk.requester.email
    assert fresh["Subject"].startswith(f"[#{ticket.number}]")
    assert client.post(link_in(fresh))["Location"] == f"/portal/tickets/{ticket.number}/"


def test_no_link_signs_in_a_member_of_the_team(desk):
    ticket = desk.open(requester=desk.l1)
    with pytest.raises(follow_links.LinkRefused):
        follow_links.check(follow_links.make(desk.l1, ticket.number))


def test_changing_the_password_ends_every_link_sent_before(desk):
    ticket = desk.open()
    token = follow_links.make(desk.requester, ticket.number)
    desk.requester.set_password("un-tout-autre-2026")
    desk.requester.save(update_fields=["password"])
    with pytest.raises(follow_links.LinkRefused) as refused:
        follow_links.check(token)
    assert refused.value.reason == follow_links.Refusal.USED


def test_every_mail_to_the_requester_carries_a_link_and_the_team_gets_its_desk(desk, smtp, settings):
    settings.COMPTOIR_BASE_URL = "http://testserver"
    ticket = desk.open()
    services.reply(ticket, by=desk.l1, body="Voici la marche à suivre.")
    outbox.deliver_due()
    to_pierre = [r.message for r in smtp.received if desk.requester.email in r.rcpt_tos]
    assert len(to_pierre) == 2  # the acknowledgement and the answer
    assert all(LINK.search(text_of(m)) for m in to_pierre)


def test_the_organisation_admin_sees_who_came_in_by_a_mail_link_and_can_invite_them(desk, client):
    desk.requester.set_unusable_password()  # an account made by a first mail
    desk.requester.save(update_fields=["password"])
    ticket = desk.open()
    token = follow_links.make(desk.requester, ticket.number)
    client.post(f"/portal/follow/{token}/")
    client.force_login(desk.site_owner)
    page = client.get("/portal/accounts/")
    states = [e.text for e in by_testid(page.content, "account-state")]
    assert any("pas encore de mot de passe" in s for s in states)
    assert "Renvoyer l'invitation" in page.content.decode()
