"""Procedure 001 over IMAP: the support mailbox lives on Dovecot and Comptoir polls it. Every
mail becomes a ticket once, is moved out of the inbox when stored, and none is lost when the
server, the password or the mail itself is wrong."""

from __future__ import annotations

import socket

import pytest

from comptoir.mail.inbound.imap import poll
from comptoir.mail.models import InboundMail, Mailbox
from comptoir.tickets.models import Ticket
from tests.mailservers.mails import compose

pytestmark = pytest.mark.imap

DONE = "Comptoir"


def test_new_mails_become_tickets_and_move_to_the_processed_folder(desk, dovecot, imap_mailbox):
    first = compose(message_id="<import@client.example>")
    second = compose(
        sender="Jeanne Durand <jeanne.durand@paroisse-saint-seurin.fr>",
        subject="Le formulaire de contact n'envoie plus rien",
        message_id="<formulaire@client.example>",
    )
    dovecot.append(first, second)
    assert DONE not in dovecot.folders()

    report = poll(imap_mailbox)

    assert (report.error, report.read) == ("", 2)
    assert [o.status for o in report.outcomes] == ["new_ticket", "new_ticket"]
    tickets = Ticket.objects.order_by("number")
    assert [(t.requester.email, t.channel, t.mailbox) for t in tickets] == [
        (desk.requester.email, "email", imap_mailbox),
        ("jeanne.durand@paroisse-saint-seurin.fr", "email", imap_mailbox),
    ]
    assert [o.ticket_number for o in report.outcomes] == [t.number for t in tickets]
    assert set(InboundMail.objects.values_list("source", "state")) == {("imap", "processed")}
    # Stored, so moved out of the inbox into the processed folder, created for the occasion.
    assert dovecot.message_ids() == []
    assert dovecot.message_ids(DONE) == ["<import@client.example>", "<formulaire@client.example>"]
    imap_mailbox.refresh_from_db()
    assert imap_mailbox.imap_uid_validity == dovecot.uid_validity("INBOX")
    last = imap_mailbox.imap_last_uid
    assert last >= 2

    # Nothing new: the next poll reads nothing.
    assert (poll(imap_mailbox).read, Ticket.objects.count()) == (0, 2)

    # A new mail: only it is read, and the watermark moves past it.
    dovecot.append(compose(subject="Mot de passe oublié", message_id="<mdp@client.example>"))
    [uid] = dovecot.uids()
    report = poll(imap_mailbox)
    assert (report.read, [o.status for o in report.outcomes]) == (1, ["new_ticket"])
    imap_mailbox.refresh_from_db()
    assert imap_mailbox.imap_last_uid == uid > last
    assert Ticket.objects.count() == 3


def test_the_same_mail_delivered_again_makes_no_second_ticket(desk, dovecot, imap_mailbox):
    raw = compose(message_id="<deux-fois@client.example>")
    dovecot.append(raw)
    [first] = poll(imap_mailbox).outcomes

    dovecot.append(raw)  # the MTA delivered it twice, or someone moved it back
    report = poll(imap_mailbox)

    [again] = report.outcomes
    assert (again.status, again.ticket_number) == ("duplicate", first.ticket_number)
    assert Ticket.objects.count() == 1
    assert InboundMail.objects.count() == 1
    assert dovecot.message_ids() == []  # moved out of the way all the same
    assert dovecot.message_ids(DONE) == ["<deux-fois@client.example>"] * 2


def test_a_folder_with_a_new_uidvalidity_is_read_again_from_the_start(desk, dovecot, imap_mailbox):
    """The server's folder was recreated (restored backup, new server): its UIDs start again
    at 1. Comptoir reads it all again; what it already had makes nothing twice."""
    with dovecot.connect() as box:
        box.folder.create("Support")
    imap_mailbox.imap_folder = "Support"
    imap_mailbox.save()
    known = compose(message_id="<deja-la@client.example>")
    others = [compose(subject=f"Demande {i}", message_id=f"<autre-{i}@client.example>") for i in range(2)]
    dovecot.append(known, *others, folder="Support")
    assert poll(imap_mailbox).read == 3
    imap_mailbox.refresh_from_db()
    old_validity, old_last = imap_mailbox.imap_uid_validity, imap_mailbox.imap_last_uid

    dovecot.recreate("Support")
    new = compose(subject="Nouvelle demande", message_id="<neuf@client.example>")
    dovecot.append(known, new, folder="Support")
    assert dovecot.uids("Support") == [1, 2]  # below the old watermark (3)
    report = poll(imap_mailbox)

    assert report.error == ""
    assert [o.status for o in report.outcomes] == ["duplicate", "new_ticket"]
    assert Ticket.objects.count() == 4
    imap_mailbox.refresh_from_db()
    assert imap_mailbox.imap_uid_validity == dovecot.uid_validity("Support") != old_validity
    assert imap_mailbox.imap_last_uid == 2 < old_last
    assert dovecot.message_ids("Support") == []


def test_a_wrong_password_is_reported_and_loses_nothing(desk, dovecot, imap_mailbox):
    dovecot.append(compose(message_id="<attente@client.example>"))
    imap_mailbox.imap_password = "ancien-mot-de-passe"
    imap_mailbox.save()

    report = poll(imap_mailbox)

    assert report.read == 0
    assert "auth" in report.error.lower()
    assert not InboundMail.objects.exists()
    assert dovecot.message_ids() == ["<attente@client.example>"]  # still waiting on the server
    imap_mailbox.refresh_from_db()
    assert (imap_mailbox.imap_uid_validity, imap_mailbox.imap_last_uid) == (None, 0)

    imap_mailbox.imap_password = dovecot.password  # the administrator fixes it
    imap_mailbox.save()
    report = poll(imap_mailbox)
    assert (report.error, [o.status for o in report.outcomes]) == ("", ["new_ticket"])


def test_an_unreachable_server_is_reported_and_loses_nothing(desk, imap_mailbox):
    with socket.socket() as s:  # bound, never listening: connections are refused
        s.bind(("127.0.0.1", 0))
        imap_mailbox.imap_port = s.getsockname()[1]
        report = poll(imap_mailbox)
    assert report.read == 0
    assert "ConnectionRefused" in report.error
    assert not InboundMail.objects.exists()


def test_a_garbage_message_is_quarantined_and_moved_not_read_forever(desk, dovecot, imap_mailbox):
    garbage = b"\xff\xfe\x01 ceci n'est pas un mail\r\n\r\n\x80\x81\x82\r\n"
    dovecot.append(garbage, compose(message_id="<apres@client.example>"))

    report = poll(imap_mailbox)

    assert report.error == ""
    assert [o.status for o in report.outcomes] == ["quarantined", "new_ticket"]
    stored = InboundMail.objects.get(pk=report.outcomes[0].inbound_id)
    assert (stored.state, stored.source, bytes(stored.raw)) == ("quarantined", "imap", garbage)
    assert stored.reason
    assert dovecot.uids() == []  # both moved: the garbage does not block the mails after it
    assert len(dovecot.uids(DONE)) == 2

    assert poll(imap_mailbox).read == 0
    stored.refresh_from_db()
    assert (stored.state, stored.attempts) == ("quarantined", 1)
    assert InboundMail.objects.count() == 2


def test_only_active_mailboxes_with_a_server_are_polled(desk, dovecot, imap_mailbox):
    from comptoir.mail.inbound.imap import poll_all

    Mailbox.objects.create(name="LMTP", address="lmtp@paroisse.example")  # delivered by the MTA
    Mailbox.objects.create(
        name="Ancienne",
        address="ancienne@paroisse.example",
        is_active=False,
        imap_host="127.0.0.1",
        imap_port=dovecot.port,
    )
    dovecot.append(compose())
    assert [(r.mailbox, r.read, r.error) for r in poll_all()] == [(imap_mailbox.address, 1, "")]
