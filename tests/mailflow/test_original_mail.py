"""Agents read the mail a message came from (headers and all), from the ticket page; only
people who may see the ticket can."""

from __future__ import annotations

from comptoir.tickets.models import Ticket
from tests.mailflow.test_pipeline import compose, deliver, mailbox  # noqa: F401 (fixture)


def test_the_ticket_page_links_each_received_mail_to_its_original(client, desk, mailbox):  # noqa: F811
    raw = compose(
        body="Bonjour,\n\nLe formulaire ne s'affiche plus.\n\nPierre", headers={"X-Mailer": "Thunderbird"}
    )
    ticket = Ticket.objects.get(number=deliver(raw, mailbox).ticket_number)
    message = ticket.messages.get()

    client.force_login(desk.l1)
    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    url = f"/desk/tickets/{ticket.number}/messages/{message.pk}/original/"
    assert f'href="{url}"' in page
    original = client.get(url)
    assert original.status_code == 200
    text = original.content.decode()
    assert "X-Mailer: Thunderbird" in text
    assert "/retry/" not in text  # agents read; the quarantine actions stay with supervisors

    client.force_login(desk.stranger_agent)
    assert client.get(url).status_code == 404
    client.force_login(desk.requester)
    assert client.get(url).status_code == 403
    client.force_login(desk.l1)
    other = desk.open(subject="Par le portail")
    portal_message = other.messages.get()
    assert (
        client.get(f"/desk/tickets/{other.number}/messages/{portal_message.pk}/original/").status_code == 404
    )
    assert client.get(f"/desk/tickets/{other.number}/messages/{message.pk}/original/").status_code == 404
