"""Procedure 003 at the door: requests grouped by product and component go to the team that
handles them; the others wait in triage for the agent on duty; inside a team, new tickets
go round the available agents."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.catalog.models import Group
from comptoir.core import outbox
from comptoir.dispatch import catalogue
from comptoir.dispatch.models import RotaOverride, RoutingRule
from comptoir.mail.models import Mailbox
from comptoir.tickets.models import Ticket, TicketEvent
from tests.conftest import flush_mail
from tests.dispatch.conftest import at, paris
from tests.factories import UserFactory


def rule(name: str, group: Group, *, position: int = 100, **conditions: object) -> RoutingRule:
    m2m = {
        k: conditions.pop(k)
        for k in ("products", "components", "organisations", "mailboxes")
        if k in conditions
    }
    row = RoutingRule.objects.create(name=name, group=group, position=position, **conditions)
    for field, values in m2m.items():
        getattr(row, field).set(values)
    catalogue.reset()
    return row


def kinds(ticket: Ticket) -> list[str]:
    return list(ticket.events.order_by("at", "pk").values_list("kind", flat=True))


# Routing ------------------------------------------------------------------------------


def test_a_request_about_a_component_goes_to_the_team_of_that_component(desk):
    rule("Mailpoet au service communication", desk.group_l2, components=[desk.component])
    ticket = desk.open(product=desk.product, component=desk.component)
    assert ticket.group == desk.group_l2
    assert ticket.tier == "L2"
    routed = ticket.events.get(kind=TicketEvent.Kind.ROUTED)
    assert routed.actor is None
    assert routed.reason == "Mailpoet au service communication"
    assert routed.changes["group"] == [None, {"id": desk.group_l2.pk, "name": "Service communication"}]
    assert not routed.is_public
    assert kinds(ticket) == ["created", "routed"]


def test_rules_apply_in_order_and_inactive_rules_never(desk):
    rule("Inactive", desk.group_l3, position=1, is_active=False)
    rule("Évolutions au projet", desk.group_l3, position=5, types=["feature_request"])
    rule("Tout le produit au L2", desk.group_l2, position=10, products=[desk.product])
    assert desk.open(product=desk.product, type="feature_request").group == desk.group_l3
    assert desk.open(product=desk.product, type="question").group == desk.group_l2


def test_keywords_route_a_mail_whatever_its_capitals_and_accents(desk):
    rule("Hébergement", desk.group_l3, keywords="serveur, messagerie bloquée")
    support = Mailbox.objects.create(name="Support", address="support@example.org")
    ticket = desk.open(subject="URGENT : MESSAGERIE BLOQUEE", channel="email", mailbox=support)
    assert ticket.group == desk.group_l3
    assert desk.open(subject="Question de facture").group is None


def test_a_rule_can_name_the_mailbox_the_channel_and_the_organisation(desk):
    support = Mailbox.objects.create(name="Support", address="support@example.org")
    rule(
        "Courriels de la mairie",
        desk.group_l2,
        mailboxes=[support],
        channels=["email"],
        organisations=[desk.customer],
    )
    assert desk.open(requester=desk.neighbour, channel="email", mailbox=support).group == desk.group_l2
    assert desk.open(requester=desk.requester, channel="email", mailbox=support).group is None


def test_an_explicit_group_wins_over_the_rules_then_rules_over_the_product_default(desk):
    rule("Tout au L3", desk.group_l3)
    assert desk.open(product=desk.product, group=desk.group_l2, by=desk.l1).group == desk.group_l2
    assert desk.open(product=desk.product).group == desk.group_l3


def test_without_a_matching_rule_the_product_team_else_triage(desk):
    rule("GestPro", desk.group_l3, products=[desk.other_product])
    with_product = desk.open(product=desk.product)
    assert with_product.group == desk.group_l1
    assert kinds(with_product) == ["created"]
    assert desk.open().group is None


def test_the_rules_are_read_once_per_process(desk):
    """Procedure 003 at volume: no query per ticket for the rules (the catalogue is cached);
    a rule that does not match costs nothing."""
    desk.open(product=desk.product)  # warm every per-process cache
    with CaptureQueriesContext(connection) as without_rules:
        desk.open(product=desk.product, subject="Sans règle")
    rule("Évolutions", desk.group_l3, types=["feature_request"], keywords="export")
    desk.open(product=desk.product, subject="Chauffe")
    with CaptureQueriesContext(connection) as with_rules:
        desk.open(product=desk.product, subject="Avec règles")
    assert len(with_rules) == len(without_rules)


# Automatic assignment inside a group ----------------------------------------------------


@pytest.fixture
def team(desk):
    """Procedure 003's level 1: three agents in a team that assigns round robin."""
    agents = [desk.l1] + [UserFactory(username=f"agent{i}", role="agent", tier="L1") for i in (2, 3)]
    desk.group_l1.members.add(*agents)
    desk.group_l1.assignment = Group.Assignment.ROUND_ROBIN
    desk.group_l1.save(update_fields=["assignment"])
    return agents


def test_round_robin_gives_each_available_agent_a_ticket_in_turn(desk, team):
    flush_mail()
    tickets = [desk.open(product=desk.product, subject=f"Demande {i}") for i in range(6)]
    assert [t.assignee for t in tickets] == team + team
    event = tickets[0].events.get(kind=TicketEvent.Kind.ASSIGNED)
    assert event.actor is None  # Comptoir assigned it
    assert event.changes["assignee"][1]["id"] == team[0].pk
    assert Ticket.objects.get(pk=tickets[0].pk).assignee == team[0]
    outbox.deliver_due()
    to_agent = [m for m in mail.outbox if m.to == [team[1].email]]
    assert sorted(m.subject.split()[0] for m in to_agent) == sorted(
        [f"[{tickets[1].reference}]", f"[{tickets[4].reference}]"]
    )


def test_an_unavailable_agent_is_skipped(desk, team):
    team[1].is_available = False
    team[1].save(update_fields=["is_available"])
    tickets = [desk.open(product=desk.product, subject=f"Demande {i}") for i in range(4)]
    assert [t.assignee for t in tickets] == [team[0], team[2], team[0], team[2]]


def test_a_manual_group_leaves_new_tickets_unassigned(desk):
    ticket = desk.open(product=desk.product)
    assert ticket.assignee is None
    assert kinds(ticket) == ["created"]


def test_nobody_available_leaves_the_ticket_unassigned(desk, team):
    for agent in team:
        agent.is_available = False
        agent.save(update_fields=["is_available"])
    assert desk.open(product=desk.product).assignee is None


def test_least_loaded_gives_the_ticket_to_the_agent_with_fewest_open_tickets(desk, team):
    desk.group_l1.assignment = Group.Assignment.LEAST_LOADED
    desk.group_l1.save(update_fields=["assignment"])
    first, second, third = (desk.open(product=desk.product, subject=f"Demande {i}") for i in range(3))
    assert [first.assignee, second.assignee, third.assignee] == team
    # The first agent resolves his ticket: he is now the least loaded.
    from comptoir.tickets import services

    services.change_status(first, to="resolved", by=team[0])
    assert desk.open(product=desk.product, subject="Demande 3").assignee == team[0]
    assert desk.open(product=desk.product, subject="Demande 4").assignee == team[1]


def test_a_rule_routes_then_the_target_group_assigns(desk, team):
    rule("Mailpoet", desk.group_l1, components=[desk.component])
    ticket = desk.open(product=desk.product, component=desk.component)
    assert kinds(ticket) == ["created", "routed", "assigned"]
    assert ticket.assignee == team[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_tickets_created_at_once_on_postgresql_go_round_the_agents_fairly(desk, team):
    threads_count, per_thread = 6, 5
    start = threading.Barrier(threads_count)
    errors: list[BaseException] = []

    def creator(index: int) -> None:
        try:
            start.wait(timeout=30)
            for k in range(per_thread):
                desk.open(product=desk.product, subject=f"Appel {index}-{k}")
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=creator, args=(i,)) for i in range(threads_count)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert not errors, errors
    counts = Counter(Ticket.objects.values_list("assignee_id", flat=True))
    assert counts == {agent.pk: threads_count * per_thread // len(team) for agent in team}
    # In the order assignments were made (under the lock), the agents follow one another.
    order = [
        e["assignee"][1]["id"]
        for e in TicketEvent.objects.filter(kind=TicketEvent.Kind.ASSIGNED)
        .order_by("pk")
        .values_list("changes", flat=True)
    ]
    cycle = [a.pk for a in team]
    start_at = cycle.index(order[0])
    assert order == [cycle[(start_at + i) % len(cycle)] for i in range(len(order))]


# Triage and the agent on duty ----------------------------------------------------------


def test_rota_hand_over_at_the_configured_hour_with_an_absence(desk, rotas):
    """Procedure 003: "3 personnes se relaient" — Léa's week ends on Monday 12 January at
    9:00, then it is Marc's; Marc is away on Tuesday 13, so Sophie (next in order) covers."""
    on_duty, _on_call = rotas
    RotaOverride.objects.create(
        rota=on_duty, user=desk.l2, starts_at=paris(2026, 1, 13, 0, 0), ends_at=paris(2026, 1, 14, 0, 0)
    )
    catalogue.reset()
    with at(paris(2026, 1, 12, 8, 59)):
        before = desk.open(subject="Avant la relève")
    with at(paris(2026, 1, 12, 9, 0)):
        after = desk.open(subject="Après la relève")
    with at(paris(2026, 1, 13, 10, 0)):
        absent = desk.open(subject="Marc est absent")
    with at(paris(2026, 1, 14, 10, 0)):
        back = desk.open(subject="Marc est revenu")
    assert [t.assignee for t in (before, after, absent, back)] == [desk.l1, desk.l2, desk.l3, desk.l2]
    assert all(t.group is None for t in (before, after, absent, back))
    assert kinds(after) == ["created", "assigned"]
    assert after.events.get(kind="assigned").actor is None


def test_the_rota_can_notify_the_agent_on_duty_instead(desk, rotas):
    on_duty, _ = rotas
    on_duty.triage_action = "notify"
    on_duty.save(update_fields=["triage_action"])
    catalogue.reset()
    flush_mail()
    with at(paris(2026, 1, 14, 10, 0)):  # Marc's week
        ticket = desk.open(subject="Où envoyer ma demande ?")
        outbox.deliver_due()
    assert ticket.assignee is None
    to_marc = [m for m in mail.outbox if m.to == [desk.l2.email]]
    assert len(to_marc) == 1
    assert to_marc[0].subject.startswith(f"[{ticket.reference}] ")
    assert "Où envoyer ma demande ?" in to_marc[0].subject
    assert f"/desk/tickets/{ticket.number}/" in to_marc[0].body


def test_only_triage_tickets_go_to_the_agent_on_duty(desk, rotas):
    with at(paris(2026, 1, 14, 10, 0)):
        ticket = desk.open(product=desk.product)
    assert ticket.group == desk.group_l1
    assert ticket.assignee is None


def test_the_emergency_rota_never_takes_triage_tickets(desk, rotas):
    on_duty, _on_call = rotas
    on_duty.is_active = False
    on_duty.save(update_fields=["is_active"])
    catalogue.reset()
    with at(paris(2026, 1, 14, 10, 0)):
        assert desk.open().assignee is None


def test_overrides_long_past_are_not_loaded(desk, rotas):
    on_duty, _ = rotas
    RotaOverride.objects.create(
        rota=on_duty,
        user=desk.l1,
        starts_at=paris(2025, 1, 1, 0, 0),
        ends_at=paris(2025, 1, 2, 0, 0),
    )
    with at(paris(2026, 1, 6, 10, 0)):
        catalogue.reset()
        rota = catalogue.catalogue().rota("on_duty")
    assert rota is not None
    assert rota.rotation.overrides == ()
