"""Procedures 001 and 003: « les appels urgents sont saisis par l'agent » — an agent logs a
call for a caller found by name, e-mail or organisation, or created on the spot; the
service levels count from the call; the caller gets the number by mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from comptoir.accounts.models import User
from comptoir.core import outbox
from comptoir.core.clock import now
from comptoir.core.errors import PermissionDenied, ValidationError
from comptoir.tickets import services
from comptoir.tickets.models import Ticket
from tests.conftest import flush_mail


def test_the_agent_finds_the_caller_by_name_email_or_organisation(desk, client):
    desk.requester.first_name, desk.requester.last_name = "Pierre", "Martin"
    desk.requester.save()
    client.force_login(desk.l1)

    for query in ("martin", "PIERRE mart", "saint-seurin pierre", desk.requester.email):
        page = client.get("/desk/phone/", {"q": query}, headers={"HX-Request": "true"})
        assert f'name="requester" value="{desk.requester.pk}"' in page.content.decode(), query
    nobody = client.get("/desk/phone/", {"q": "inconnu"}, headers={"HX-Request": "true"}).content.decode()
    assert "Personne" in nobody
    agents = client.get("/desk/phone/", {"q": desk.l2.username}).content.decode()
    assert f'name="requester" value="{desk.l2.pk}"' not in agents  # staff are not callers


def test_a_call_from_a_known_caller_is_dated_when_it_came_in(desk):
    called = now() - timedelta(minutes=20)
    ticket = services.log_phone_call(
        by=desk.l1,
        requester=desk.requester,
        called_at=called,
        subject="Site paroissial inaccessible",
        body="Le curé appelle : page blanche depuis ce matin.",
        notes="Vérifié : le serveur répond, c'est le thème.",
        product=desk.product,
        is_urgent=True,
    )
    assert ticket.created_at == called
    assert ticket.channel == "phone"
    assert ticket.priority == "urgent"
    note = ticket.messages.get(kind="internal")
    assert note.body_text == "Vérifié : le serveur répond, c'est le thème."
    first = ticket.messages.get(kind="public")
    assert first.author == desk.l1
    outbox.deliver_due()
    (ack,) = [m for m in mail.outbox if m.to == [desk.requester.email]]
    assert ack.subject.startswith(f"[#{ticket.number}] ")
    assert "serveur répond" not in ack.body


def test_a_new_caller_gets_an_account_and_the_number(desk, client):
    flush_mail()
    client.force_login(desk.l1)
    response = client.post(
        "/desk/phone/",
        {
            "first_name": "Hélène",
            "last_name": "Lefèvre",
            "email": "helene.lefevre@paroisse.example",
            "phone": "05 56 00 00 00",
            "organisation": desk.parish.pk,
            "subject": "Mot de passe oublié",
            "body": "Ne peut plus se connecter au site.",
        },
        follow=True,
    )
    ticket = Ticket.objects.get()
    assert response.redirect_chain == [(f"/desk/tickets/{ticket.number}/", 302)]
    caller = ticket.requester
    assert (caller.username, caller.role, caller.organisation, caller.phone) == (
        "helenelefevre",
        User.Role.REQUESTER,
        desk.parish,
        "05 56 00 00 00",
    )
    assert not caller.has_usable_password()
    outbox.deliver_due()
    to_caller = [m for m in mail.outbox if m.to == [caller.email]]
    assert len(to_caller) == 2  # the invitation to choose a password, and the acknowledgement
    assert any(f"[#{ticket.number}]" in m.subject for m in to_caller)


def test_the_form_says_who_is_missing_and_keeps_what_was_typed(desk, client):
    client.force_login(desk.l1)
    response = client.post("/desk/phone/", {"subject": "Appel", "body": "Texte de l'appel"})
    assert response.status_code == 200
    assert "le prénom et le nom du nouvel appelant" in response.content.decode()
    assert "Texte de l&#x27;appel" in response.content.decode()
    assert not Ticket.objects.exists()
    refused = client.post(
        "/desk/phone/",
        {"first_name": "A", "last_name": "B", "email": "contact@x.example", "subject": "S", "body": "B"},
    )
    assert "adresse partagée" in refused.content.decode()
    assert not Ticket.objects.exists()
    assert not User.objects.filter(last_name="B").exists()


def test_calls_are_logged_by_the_team_only_and_not_in_the_future(desk):
    with pytest.raises(PermissionDenied):
        services.log_phone_call(by=desk.requester, requester=desk.requester, subject="S", body="B")
    with pytest.raises(ValidationError, match="futur"):
        services.log_phone_call(
            by=desk.l1, requester=desk.requester, subject="S", body="B", called_at=now() + timedelta(hours=1)
        )
    with pytest.raises(ValidationError, match="7 jours"):
        services.log_phone_call(
            by=desk.l1, requester=desk.requester, subject="S", body="B", called_at=now() - timedelta(days=8)
        )
    assert not Ticket.objects.exists()
