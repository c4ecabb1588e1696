"""The desk as agents use it: the queue (filters, sorts, pages, live refresh) and the ticket
page (conversation, internal notes, history, every action and its refusals)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from comptoir.accounts.models import User
from comptoir.core.models import OutboxMessage
from comptoir.tickets import services
from comptoir.tickets.models import Message, Ticket, TicketEvent
from tests.factories import UserFactory
from tests.pages import by_testid, flashes, invalid_fields, queue_numbers

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    return MONDAY + timedelta(hours=hours)


@pytest.fixture
def morning(desk):
    """Five tickets of a Monday morning, each different in every column the queue filters
    on; opened in this order, last changed in another."""
    contact_form = desk.open(
        subject="Formulaire de contact cassé",
        type="incident",
        severity="blocking",
        is_urgent=True,
        product=desk.product,
        component=desk.component,
        at=at(0),
    )
    invoice = desk.open(
        requester=desk.neighbour,
        subject="Question sur la facture de mars",
        product=desk.other_product,
        at=at(1),
    )
    export = desk.open(
        requester=desk.other_admin,
        subject="Export des adhérents impossible",
        type="feature_request",
        severity="minor",
        priority="low",
        at=at(2),
    )
    backup = desk.open(
        subject="Sauvegarde nocturne en échec",
        type="incident",
        priority="high",
        group=desk.group_l2,
        at=at(3),
    )
    theme = desk.open(
        requester=desk.site_owner,
        subject="Mise à jour du thème",
        severity="minor",
        group=desk.group_l3,
        at=at(4),
    )
    services.change_status(theme, to="resolved", by=desk.supervisor, at=at(4.5))
    services.assign(backup, to=desk.l2, by=desk.supervisor, at=at(5))
    services.take(contact_form, by=desk.l1, at=at(6))
    services.assign(invoice, to=desk.supervisor, by=desk.supervisor, at=at(7))
    services.reply(
        export, by=desk.supervisor, body="Quel format souhaitez-vous ?", set_status="pending", at=at(8)
    )
    services.change_status(backup, to="on_hold", by=desk.l2, reason="Attente de l'hébergeur", at=at(9))
    return {
        "contact_form": contact_form,
        "invoice": invoice,
        "export": export,
        "backup": backup,
        "theme": theme,
    }


def listed(client, morning, **params) -> list[str]:
    response = client.get("/desk/", params)
    assert response.status_code == 200
    names = {t.number: name for name, t in morning.items()}
    return [names[n] for n in queue_numbers(response.content)]


LAST_CHANGED_FIRST = ["backup", "export", "invoice", "contact_form", "theme"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, LAST_CHANGED_FIRST),
        ({"status": "new"}, ["invoice"]),
        ({"status": "open,pending"}, ["export", "contact_form"]),
        ({"type": "incident"}, ["backup", "contact_form"]),
        ({"priority": "urgent"}, ["contact_form"]),
        ({"severity": "minor"}, ["export", "theme"]),
        ({"product": "{product}"}, ["contact_form"]),
        ({"product": "{other_product}"}, ["invoice"]),
        ({"component": "{component}"}, ["contact_form"]),
        ({"group": "{group_l2}"}, ["backup"]),
        ({"group": "none"}, ["export"]),
        ({"tier": "L1"}, ["invoice", "contact_form"]),
        ({"tier": "L3"}, ["theme"]),
        ({"assignee": "me"}, ["invoice"]),
        ({"assignee": "none"}, ["export", "theme"]),
        ({"assignee": "{l2}"}, ["backup"]),
        ({"q": "#{export}"}, ["export"]),
        ({"q": "{export}"}, ["export"]),
        ({"q": "facture"}, ["invoice"]),
        ({"q": "SAUVEGARDE"}, ["backup"]),
        ({"type": "incident", "priority": "high"}, ["backup"]),
        ({"status": "closed"}, []),
    ],
)
def test_queue_filters_return_exactly_the_matching_tickets_last_changed_first(
    desk, client, morning, query, expected
):
    ids = {
        "product": desk.product.pk,
        "other_product": desk.other_product.pk,
        "component": desk.component.pk,
        "group_l2": desk.group_l2.pk,
        "l2": desk.l2.pk,
        "export": morning["export"].number,
    }
    client.force_login(desk.supervisor)

    assert listed(client, morning, **{k: v.format(**ids) for k, v in query.items()}) == expected


def test_an_empty_queue_says_so(desk, client, morning):
    client.force_login(desk.supervisor)

    response = client.get("/desk/", {"status": "closed"})

    assert by_testid(response.content, "queue-empty")
    assert not by_testid(response.content, "queue")


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-updated", LAST_CHANGED_FIRST),
        ("updated", list(reversed(LAST_CHANGED_FIRST))),
        ("created", ["contact_form", "invoice", "export", "backup", "theme"]),
        ("-created", ["theme", "backup", "export", "invoice", "contact_form"]),
        ("priority", ["contact_form", "backup", "invoice", "theme", "export"]),
        ("-number", ["theme", "backup", "export", "invoice", "contact_form"]),
        ("number", ["contact_form", "invoice", "export", "backup", "theme"]),
        ("no-such-sort", LAST_CHANGED_FIRST),
    ],
)
def test_queue_sorts(desk, client, morning, sort, expected):
    client.force_login(desk.supervisor)

    assert listed(client, morning, sort=sort) == expected


def test_an_agent_queue_holds_his_groups_and_the_triage_tickets(desk, client, morning):
    client.force_login(desk.l1)

    assert listed(client, morning) == ["export", "contact_form"]
    assert listed(client, morning, assignee="me") == ["contact_form"]


def test_the_queue_shows_25_tickets_a_page(desk, client):
    numbers = [desk.open(subject=f"Demande {i}").number for i in range(30)]
    client.force_login(desk.supervisor)

    first = client.get("/desk/", {"sort": "-number"})
    second = client.get("/desk/", {"sort": "-number", "page": "2"})
    beyond = client.get("/desk/", {"sort": "-number", "page": "3"})

    newest_first = numbers[::-1]
    assert queue_numbers(first.content) == newest_first[:25]
    assert 'href="?sort=-number&amp;page=2"' in first.content.decode()
    assert queue_numbers(second.content) == newest_first[25:]
    assert 'href="?sort=-number&amp;page=1"' in second.content.decode()
    assert "page=3" not in second.content.decode()
    assert queue_numbers(beyond.content) == []
    assert (
        queue_numbers(client.get("/desk/", {"sort": "-number", "page": "abc"}).content) == newest_first[:25]
    )


def test_the_next_page_keeps_the_filters(desk, client):
    for i in range(26):
        desk.open(subject=f"Demande {i}", product=desk.product)
    client.force_login(desk.supervisor)

    response = client.get("/desk/", {"status": "new", "product": desk.product.pk, "sort": "created"})

    assert len(queue_numbers(response.content)) == 25
    assert f'href="?status=new&amp;product={desk.product.pk}&amp;sort=created&amp;page=2"' in (
        response.content.decode()
    )


def test_a_filter_change_refreshes_only_the_rows(desk, client, morning):
    client.force_login(desk.supervisor)

    partial = client.get("/desk/", {"status": "new"}, headers={"HX-Request": "true"})
    full = client.get("/desk/", {"status": "new"})

    assert partial.status_code == 200
    assert partial.templates[0].name == "desk/_queue_rows.html"
    assert "<html" not in partial.content.decode()
    assert not by_testid(partial.content, "queue-filters")
    assert queue_numbers(partial.content) == [morning["invoice"].number]
    assert "<html" in full.content.decode()
    assert by_testid(full.content, "queue-filters")
    assert queue_numbers(full.content) == [morning["invoice"].number]


@pytest.fixture
def conversation(desk):
    ticket = desk.open(
        subject="Importer nos contacts dans Mailpoet",
        body="Comment importer la liste des paroissiens ?",
        product=desk.product,
    )
    services.reply(ticket, by=desk.l1, body="Menu Mailpoet, Abonnés, Importer.", set_status="pending")
    services.add_note(ticket, by=desk.l1, body="Client déjà relancé la semaine dernière.")
    services.reply(ticket, by=desk.requester, body="Le fichier est refusé : colonne manquante.")
    services.requalify(ticket, by=desk.l1, reason="Bug d'import confirmé", type="incident")
    return ticket


def test_the_ticket_page_shows_the_whole_conversation_with_notes_to_the_team(desk, client, conversation):
    client.force_login(desk.l1)

    page = client.get(f"/desk/tickets/{conversation.number}/")

    assert page.status_code == 200
    assert by_testid(page.content, "ticket-number")[0].text == f"#{conversation.number}"
    messages = by_testid(page.content, "message")
    assert [("note" in m.classes) for m in messages] == [False, False, True, False]
    assert "Comment importer la liste des paroissiens" in messages[0].text
    assert "Menu Mailpoet, Abonnés, Importer." in messages[1].text
    assert "Client déjà relancé la semaine dernière." in messages[2].text
    assert "colonne manquante" in messages[3].text


def test_the_requester_never_sees_internal_notes_nor_private_history(desk, client, conversation):
    client.force_login(desk.requester)

    page = client.get(f"/portal/tickets/{conversation.number}/")

    assert page.status_code == 200
    messages = by_testid(page.content, "message")
    assert len(messages) == 3
    assert not any("note" in m.classes for m in messages)
    assert "déjà relancé" not in page.content.decode()
    public = TicketEvent.objects.filter(ticket=conversation, is_public=True).count()
    assert by_testid(page.content, "history")[0].inner_tags.count("li") == public
    assert public < conversation.events.count()


def test_the_ticket_page_shows_the_history_with_reasons(desk, client, conversation):
    client.force_login(desk.l1)

    page = client.get(f"/desk/tickets/{conversation.number}/")

    history = by_testid(page.content, "history")[0]
    assert history.inner_tags.count("li") == conversation.events.count() == 7
    assert "Bug d'import confirmé" in history.text
    assert desk.l1.display_name in history.text


ACTIONS = {
    "reply": (
        lambda desk: {"body": "Voici la procédure.", "set_status": "pending"},
        lambda desk, t: (
            t.status == "pending"
            and t.messages.filter(kind="public", body_text="Voici la procédure.").exists()
        ),
    ),
    "note": (
        lambda desk: {"body": "Rappeler le curé jeudi."},
        lambda desk, t: t.messages.filter(kind="internal", body_text="Rappeler le curé jeudi.").exists(),
    ),
    "take": (lambda desk: {}, lambda desk, t: t.assignee == desk.l1 and t.status == "open"),
    "assign": (lambda desk: {"assignee": desk.l1.pk}, lambda desk, t: t.assignee == desk.l1),
    "status": (
        lambda desk: {"status": "on_hold", "reason": "Attente de l'hébergeur"},
        lambda desk, t: (
            t.status == "on_hold"
            and t.events.filter(kind="status_changed", reason="Attente de l'hébergeur").exists()
        ),
    ),
    "requalify": (
        lambda desk: {
            "type": "incident",
            "severity": "blocking",
            "priority": "high",
            "product": desk.product.pk,
            "component": desk.component.pk,
            "reason": "Le site est en panne",
        },
        lambda desk, t: (
            (t.type, t.severity, t.priority, t.component) == ("incident", "blocking", "high", desk.component)
            and t.events.filter(kind="requalified", reason="Le site est en panne").exists()
        ),
    ),
    "urgency": (
        lambda desk: {"urgent": "0", "reason": "Une question, pas une panne"},
        lambda desk, t: (
            not t.is_urgent
            and t.priority == "normal"
            and t.events.filter(reason="Une question, pas une panne").exists()
        ),
    ),
    "escalate": (
        lambda desk: {"reason": "Besoin d'un développeur", "group": desk.group_l2.pk},
        lambda desk, t: (
            t.group == desk.group_l2
            and t.assignee is None
            and t.messages.filter(kind="internal", body_text__contains="Besoin d'un développeur").exists()
        ),
    ),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_desk_action_works_and_says_so(desk, client, action):
    ticket = desk.open(product=desk.product, is_urgent=True)
    payload, done = ACTIONS[action]
    client.force_login(desk.supervisor if action == "escalate" else desk.l1)

    response = client.post(f"/desk/tickets/{ticket.number}/{action}/", payload(desk), follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(f"/desk/tickets/{ticket.number}/", 302)]
    assert flashes(response.content)[-1][0] == "success"
    ticket.refresh_from_db()
    assert done(desk, ticket)


def test_an_agent_who_hands_over_a_ticket_he_only_held_goes_back_to_the_queue(desk, client):
    """He took it while he helped L3, then went back to L1 only."""
    ticket = desk.open(product=desk.product, group=desk.group_l3, by=desk.l3)
    desk.group_l3.members.add(desk.l1)
    services.assign(ticket, to=User.objects.get(pk=desk.l1.pk), by=desk.supervisor)
    desk.group_l3.members.remove(desk.l1)
    client.force_login(desk.l1)

    response = client.post(f"/desk/tickets/{ticket.number}/assign/", {"assignee": ""}, follow=True)

    assert response.redirect_chain == [("/desk/", 302)]
    assert [level for level, _text in flashes(response.content)] == ["success"]
    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert ticket.number not in queue_numbers(response.content)


def snapshot(ticket: Ticket) -> tuple[object, ...]:
    ticket.refresh_from_db()
    return (
        ticket.status,
        ticket.assignee_id,
        ticket.group_id,
        ticket.type,
        ticket.severity,
        ticket.priority,
        ticket.product_id,
        ticket.component_id,
        ticket.is_urgent,
        ticket.updated_at,
        Message.objects.count(),
        TicketEvent.objects.count(),
        OutboxMessage.objects.count(),
    )


@pytest.mark.parametrize(
    ("action", "payload"),
    [
        # The form is incomplete: the field says what is missing.
        ("requalify", lambda desk: {"type": "incident", "severity": "normal", "priority": "high"}),
        ("escalate", lambda desk: {"group": desk.group_l2.pk}),
        ("escalate", lambda desk: {"reason": "   "}),
        ("reply", lambda desk: {"body": ""}),
        ("note", lambda desk: {"body": ""}),
        ("status", lambda desk: {"status": "no-such-status"}),
        ("urgency", lambda desk: {"urgent": "1"}),
        ("assign", lambda desk: {"assignee": desk.requester.pk}),
        # The form is complete but a rule refuses: the reason comes back as a message.
        ("status", lambda desk: {"status": "closed"}),
        ("assign", lambda desk: {"assignee": desk.l2.pk}),
        ("escalate", lambda desk: {"reason": "Déjà chez L1", "group": desk.group_l1.pk}),
        (
            "requalify",
            lambda desk: {
                "type": "question",
                "severity": "normal",
                "priority": "normal",
                "product": desk.other_product.pk,
                "component": desk.component.pk,
                "reason": "Mauvais produit",
            },
        ),
    ],
)
def test_a_refused_action_explains_itself_and_changes_nothing(desk, client, action, payload):
    ticket = desk.open(product=desk.product)
    client.force_login(desk.l1)
    before = snapshot(ticket)

    response = client.post(f"/desk/tickets/{ticket.number}/{action}/", payload(desk))

    assert response.status_code == 400
    assert [level for level, _text in flashes(response.content)] == ["danger"]
    assert by_testid(response.content, "ticket-number")[0].text == f"#{ticket.number}"
    assert snapshot(ticket) == before


@pytest.mark.parametrize("action", ["requalify", "escalate", "urgency"])
def test_requalify_escalate_and_urgency_without_a_reason_mark_the_reason_field(desk, client, action):
    ticket = desk.open(product=desk.product, is_urgent=True)
    client.force_login(desk.l1)

    response = client.post(
        f"/desk/tickets/{ticket.number}/{action}/",
        {"type": "incident", "severity": "normal", "priority": "high", "urgent": "0", "reason": ""},
    )

    assert response.status_code == 400
    assert invalid_fields(response.content) == ["reason"]
    assert [level for level, _text in flashes(response.content)] == ["danger"]


def test_an_agent_logs_a_phone_call_as_a_ticket_for_the_caller(desk, client):
    client.force_login(desk.l1)

    response = client.post(
        "/desk/phone/",
        {
            "requester": desk.requester.pk,
            "subject": "Site paroissial inaccessible",
            "product": desk.product.pk,
            "body": "Le curé appelle : page blanche depuis ce matin.",
            "is_urgent": "on",
        },
        follow=True,
    )

    ticket = Ticket.objects.get()
    assert response.redirect_chain == [(f"/desk/tickets/{ticket.number}/", 302)]
    assert flashes(response.content)[-1][0] == "success"
    assert f"#{ticket.number}" in flashes(response.content)[-1][1]
    assert (ticket.requester, ticket.channel, ticket.priority, ticket.group) == (
        desk.requester,
        "phone",
        "urgent",
        desk.group_l1,
    )
    assert ticket.messages.get().author == desk.l1


def assignee_choices(html: bytes) -> list[str]:
    select = re.search(r'<select[^>]*name="assignee".*?</select>', html.decode(), re.S)
    assert select is not None
    return re.findall(r'<option value="([^"]*)"', select[0])


def test_a_new_agent_appears_in_the_assignee_filter_at_once(desk, client):
    client.force_login(desk.supervisor)
    before = assignee_choices(client.get("/desk/").content)
    newcomer = UserFactory(username="nouvelagent", role=User.Role.AGENT, tier="L1")

    after = assignee_choices(client.get("/desk/").content)

    assert str(newcomer.pk) not in before
    assert str(newcomer.pk) in after
    staff = User.objects.filter(role__in=["agent", "supervisor", "admin"], is_active=True)
    assert sorted(after) == sorted(
        ["", "me", "none", *(str(pk) for pk in staff.values_list("pk", flat=True))]
    )
