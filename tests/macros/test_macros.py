"""Macros: the answers agents give every day, with the ticket's details filled in, and
the status change that goes with them, in one click."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError as ModelValidationError
from django.utils.html import escape

from comptoir.core import outbox
from comptoir.core.errors import InvalidTransition, NotFound
from comptoir.macros import placeholders
from comptoir.macros.models import Macro
from comptoir.macros.services import apply_macro, available_macros
from tests.conftest import flush_mail


def test_placeholders_are_filled_and_unknown_ones_left_as_written():
    values = {"requester_first_name": "Pierre", "number": "#100001"}
    text = "Bonjour {requester_first_name}, votre demande {number} {inconnu} {subject} {{number}}"
    assert (
        placeholders.render(text, values)
        == "Bonjour Pierre, votre demande #100001 {inconnu} {subject} {#100001}"
    )
    assert placeholders.unknown("{requester_name} {prenom} {x}") == ["prenom", "x"]


def test_a_macro_with_an_unknown_placeholder_is_refused_when_saved(db):
    macro = Macro(name="Relance", body="Bonjour {prenom}")
    with pytest.raises(ModelValidationError, match="prenom"):
        macro.full_clean()


@pytest.fixture
def ask_for_details(desk):
    return Macro.objects.create(
        name="Demander l'URL de la page",
        body="Bonjour {requester_first_name},\n\nPouvez-vous nous indiquer l'adresse de la page concernée "
        "par la demande {number} ?\n\n{agent_first_name}, {product}",
        set_status="pending",
        set_priority="low",
    )


def test_one_click_answers_waits_on_the_requester_and_requalifies(desk, ask_for_details):
    desk.requester.first_name = "Pierre"
    desk.requester.save()
    desk.l1.first_name = "Léa"
    desk.l1.save()
    ticket = desk.open(product=desk.product)
    flush_mail()

    ticket = apply_macro(ticket, macro_id=ask_for_details.pk, by=desk.l1)

    assert ticket.status == "pending"
    assert ticket.priority == "low"
    reply = ticket.messages.filter(kind="public").order_by("-pk").first()
    assert reply.author == desk.l1
    assert reply.body_text.startswith("Bonjour Pierre,")
    assert f"demande {ticket.reference} ?" in reply.body_text
    assert reply.body_text.endswith("Léa, Sites associés WordPress")
    kinds = list(ticket.events.order_by("pk").values_list("kind", flat=True))
    assert kinds[-3:] == ["replied", "status_changed", "requalified"]
    assert ticket.events.get(kind="requalified").reason == "Macro « Demander l'URL de la page »"
    outbox.deliver_due()
    assert {m.to[0] for m in mail.outbox} == {desk.requester.email}


def test_an_impossible_status_change_undoes_the_whole_macro(desk):
    macro = Macro.objects.create(name="Clore", body="Nous clôturons.", kind="internal", set_status="closed")
    ticket = desk.open()
    with pytest.raises(InvalidTransition):
        apply_macro(ticket, macro_id=macro.pk, by=desk.l1)
    assert not ticket.messages.filter(kind="internal").exists()


def test_personal_and_group_macros_are_only_offered_to_their_people(desk):
    shared = Macro.objects.create(name="Partagée", body="x")
    mine = Macro.objects.create(name="Perso Léa", body="x", owner=desk.l1)
    level2 = Macro.objects.create(name="Niveau 2", body="x", group=desk.group_l2)
    Macro.objects.create(name="Archivée", body="x", is_active=False)
    assert list(available_macros(desk.l1)) == [shared, mine]
    assert list(available_macros(desk.l2)) == [level2, shared]
    assert list(available_macros(desk.supervisor)) == [level2, shared]
    assert list(available_macros(desk.requester)) == []
    ticket = desk.open()
    with pytest.raises(NotFound):
        apply_macro(ticket, macro_id=level2.pk, by=desk.l1)


def test_the_desk_ticket_page_offers_the_macros_and_applies_one(client, desk, ask_for_details):
    ticket = desk.open(product=desk.product)
    client.force_login(desk.l1)
    page = client.get(f"/desk/tickets/{ticket.number}/")
    assert escape(ask_for_details.name) in page.content.decode()
    answer = client.post(f"/desk/tickets/{ticket.number}/macro/", {"macro": ask_for_details.pk})
    assert answer.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "pending"
