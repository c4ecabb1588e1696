"""Procedure 003: « les demandes d'évolution sont transmises au responsable produit »;
escalation tells the receiving group; a requalification that changes what was promised
is told to the requester."""

from __future__ import annotations

import pytest
from django.core import mail

from comptoir.core import outbox
from comptoir.core.errors import InvalidTransition, NotFound, ValidationError
from comptoir.tickets import services
from comptoir.tickets.models import TicketEvent
from tests.conftest import flush_mail
from tests.factories import GroupFactory, UserFactory


def sent() -> list:
    outbox.deliver_due()
    return list(mail.outbox)


@pytest.fixture
def product_team(desk):
    owner = UserFactory(username="julienproduit", role="agent", email="julien@editeur.test", language="fr")
    team = GroupFactory(name="Équipe produit", tier="L3", members=[owner])
    desk.product.owner = owner
    desk.product.owner_group = team
    desk.product.save()
    return owner, team


def feature_request(desk, **kwargs):
    kwargs.setdefault("subject", "Pouvoir exporter les inscrits en CSV")
    kwargs.setdefault("body", "Il faudrait un bouton pour exporter la liste des inscrits.")
    return desk.open(type="feature_request", product=desk.product, **kwargs)


def test_a_feature_request_goes_to_the_product_owner_and_the_requester_is_told(desk, product_team):
    owner, team = product_team
    ticket = feature_request(desk)
    flush_mail()

    services.forward_to_product(ticket, by=desk.l1, note="Déjà demandé par deux paroisses.")

    ticket.refresh_from_db()
    assert ticket.forwarded_at is not None
    assert ticket.status == "on_hold"
    assert ticket.group == team
    assert ticket.assignee == owner
    event = ticket.events.get(kind=TicketEvent.Kind.FORWARDED)
    assert event.is_public
    assert event.actor == desk.l1
    assert event.changes["owner"]["id"] == owner.pk
    assert ticket.messages.filter(kind="internal", body_text="Déjà demandé par deux paroisses.").exists()
    by_recipient = {m.to[0]: m for m in sent()}
    assert set(by_recipient) == {owner.email, desk.requester.email}
    to_owner = by_recipient[owner.email]
    assert "Demande d'évolution" in to_owner.subject
    assert "Il faudrait un bouton pour exporter" in to_owner.body
    assert "Déjà demandé par deux paroisses." in to_owner.body
    assert f"/desk/tickets/{ticket.number}/" in to_owner.body
    to_requester = by_recipient[desk.requester.email]
    assert to_requester.subject.startswith(f"[{ticket.reference}] ")
    assert "équipe produit" in to_requester.body
    assert "Déjà demandé" not in to_requester.body  # the note is internal


def test_only_a_feature_request_with_a_product_owner_can_be_forwarded(desk, product_team):
    question = desk.open(product=desk.product)
    with pytest.raises(ValidationError, match="demandes d'évolution"):
        services.forward_to_product(question, by=desk.l1)
    no_owner = desk.open(type="feature_request", product=desk.other_product, requester=desk.requester)
    with pytest.raises(ValidationError, match="responsable produit"):
        services.forward_to_product(no_owner, by=desk.supervisor)
    ticket = feature_request(desk)
    services.forward_to_product(ticket, by=desk.l1)
    with pytest.raises(InvalidTransition, match="déjà été transmise"):
        services.forward_to_product(ticket, by=desk.supervisor)
    assert ticket.events.filter(kind="forwarded").count() == 1


def test_requesters_cannot_forward_and_strangers_do_not_see_the_ticket(desk, product_team):
    ticket = feature_request(desk)
    with pytest.raises(Exception) as refused:
        services.forward_to_product(ticket, by=desk.requester)
    assert refused.type.__name__ == "PermissionDenied"
    with pytest.raises(NotFound):
        services.forward_to_product(ticket, by=desk.stranger_agent)
    ticket.refresh_from_db()
    assert ticket.forwarded_at is None


def test_several_requests_are_linked_to_one_feature_request(desk, product_team):
    feature = feature_request(desk)
    same = desk.open(
        requester=desk.neighbour,
        subject="Export CSV des inscrits ?",
        body="Can we export?",
        product=desk.product,
    )
    again = desk.open(subject="Exporter les inscrits", body="Et en Excel ?", product=desk.product)
    flush_mail()

    services.link_to_feature(same, feature=feature, by=desk.supervisor)
    services.link_to_feature(again, feature=same, by=desk.l1)  # a linked request: joins the first one

    assert set(feature.supporting_requests.values_list("pk", flat=True)) == {same.pk, again.pk}
    event = same.events.get(kind="linked")
    assert event.changes == {"feature": [None, feature.number]}
    assert not event.is_public
    mails = sent()
    assert {m.to[0] for m in mails} == {desk.neighbour.email, desk.requester.email}
    english = next(m for m in mails if m.to == [desk.neighbour.email])
    assert "same feature" in english.subject
    assert str(feature.number) not in english.body  # another customer's request number stays hidden

    with pytest.raises(ValidationError, match="à elle-même"):
        services.link_to_feature(feature, feature=feature, by=desk.l1)
    with pytest.raises(ValidationError, match="n'est pas une demande d'évolution"):
        services.link_to_feature(feature, feature=desk.open(), by=desk.l1)
    with pytest.raises(ValidationError, match="D'autres demandes"):
        services.link_to_feature(feature, feature=feature_request(desk, subject="Autre"), by=desk.l1)

    services.unlink_from_feature(same, by=desk.supervisor)
    same.refresh_from_db()
    assert same.feature is None
    assert same.events.filter(kind="linked").count() == 2


def test_the_receiving_group_is_told_of_an_escalation(desk):
    colleague = UserFactory(username="paulniveau2", role="agent", email="paul@support.test", language="en")
    desk.group_l2.members.add(colleague)
    ticket = desk.open(product=desk.product)
    flush_mail()

    services.escalate(ticket, by=desk.l1, reason="Anomalie du greffon : relève du niveau 2")

    mails = sent()
    assert sorted(m.to[0] for m in mails) == sorted([desk.l2.email, colleague.email])
    french = next(m for m in mails if m.to == [desk.l2.email])
    assert "Escaladé vers votre groupe" in french.subject
    assert "Anomalie du greffon : relève du niveau 2" in french.body
    assert f"/desk/tickets/{ticket.number}/" in french.body
    english = next(m for m in mails if m.to == [colleague.email])
    assert "Escalated to your group" in english.subject


def test_a_requalification_that_changes_the_promise_is_told_to_the_requester(desk):
    ticket = desk.open(product=desk.product)
    flush_mail()

    services.requalify(ticket, by=desk.l1, reason="Bloque la publication du bulletin", priority="urgent")

    (told,) = sent()
    assert told.to == [desk.requester.email]
    assert "requalifiée" in told.subject
    assert "Normale → Urgente" in told.body
    assert "Bloque la publication du bulletin" in told.body

    flush_mail()
    services.requalify(ticket, by=desk.l1, reason="Composant précisé", component=desk.component)
    assert sent() == []  # the component does not change what was promised


def test_the_desk_forwards_and_links_from_the_ticket_page(client, desk, product_team):
    feature = feature_request(desk)
    same = desk.open(subject="Export des inscrits", product=desk.product)
    client.force_login(desk.l1)

    page = client.get(f"/desk/tickets/{feature.number}/").content.decode()
    assert "Transmettre à l'équipe produit" in page
    assert client.post(f"/desk/tickets/{same.number}/link/", {"feature": feature.number}).status_code == 302
    assert client.post(f"/desk/tickets/{feature.number}/forward/", {"note": ""}).status_code == 302

    client.force_login(desk.supervisor)
    page = client.get(f"/desk/tickets/{feature.number}/").content.decode()
    assert 'data-testid="forwarded-badge"' in page
    assert 'data-testid="supporting"' in page
    assert same.reference in page
    linked_page = client.get(f"/desk/tickets/{same.number}/").content.decode()
    assert f'href="/desk/tickets/{feature.number}/"' in linked_page
    stranger = desk.open(requester=desk.neighbour, subject="Autre chose")
    answer = client.post(f"/desk/tickets/{stranger.number}/link/", {"feature": 999999})
    assert answer.status_code == 400
    assert stranger.events.filter(kind="linked").count() == 0


def test_an_answer_that_resolves_carries_the_invitation_to_rate(desk):
    ticket = desk.open(product=desk.product)
    flush_mail()
    services.reply(ticket, by=desk.l1, body="Voici la marche à suivre.", set_status="resolved")
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    assert ticket.events.filter(kind="survey_sent").count() == 1
    (answer,) = sent()
    assert "Voici la marche à suivre." in answer.body
    assert "/portal/survey/" in answer.body
    assert "considérons votre demande comme résolue" in answer.body
