"""Escalation paths, not guesses (procedures 000 and 003).

Procedure 000: the parish's L1 (Pôle maintenance) escalates to the parish's L2 (Service
communication). Procedure 003: the software customer's requests about GestPro are worked by
the editor's own L1 ("Autre équipe" in the personas), which escalates to the editor's own
L2. Each group names the group it escalates to, and an organisation or a product may have
its own path; without a path, the only group of the next tier receives the ticket, and
when several could, the agent is asked to choose: Comptoir never guesses.
"""

from __future__ import annotations

import pytest

from comptoir.catalog.escalation import escalation_target
from comptoir.catalog.models import EscalationPath, Group
from comptoir.core.errors import InvalidTransition, ValidationError
from comptoir.tickets import services
from comptoir.tickets.models import Ticket
from tests.conftest import Desk
from tests.factories import GroupFactory, UserFactory


@pytest.fixture
def editor_l2(desk: Desk) -> Group:
    """Procedure 003: the editor's own level 2, created after the parish's."""
    agent = UserFactory(username="nicolasn2", role="agent", tier="L2")
    return GroupFactory(name="Support GestPro N2", tier="L2", members=[agent])


def gestpro_request(desk: Desk) -> Ticket:
    """The customer's request about GestPro, worked by the editor's L1."""
    ticket = desk.open(
        requester=desk.neighbour,
        subject="Export comptable GestPro en erreur",
        body="L'export du grand livre s'arrête à mi-parcours.",
        product=desk.other_product,
    )
    assert ticket.group == desk.group_other
    return ticket


def unchanged(ticket: Ticket) -> tuple[object, ...]:
    ticket.refresh_from_db()
    return ticket.group_id, ticket.assignee_id, ticket.events.count(), ticket.messages.count()


def test_an_escalated_gestpro_request_goes_to_the_editors_l2_not_the_parishs(desk, editor_l2):
    desk.group_other.escalates_to = editor_l2
    desk.group_other.save(update_fields=["escalates_to"])
    ticket = gestpro_request(desk)

    services.escalate(ticket, by=desk.stranger_agent, reason="Anomalie de l'export : relève du N2")

    ticket.refresh_from_db()
    assert ticket.group == editor_l2
    assert ticket.events.get(kind="escalated").changes["group"][1]["name"] == "Support GestPro N2"


def test_without_a_path_the_agent_is_asked_to_choose_among_several_l2_groups(desk, editor_l2):
    ticket = gestpro_request(desk)
    before = unchanged(ticket)

    with pytest.raises(ValidationError, match="Choisissez le groupe"):
        services.escalate(ticket, by=desk.stranger_agent, reason="Anomalie de l'export")

    assert unchanged(ticket) == before


def test_without_a_path_the_only_group_of_the_next_tier_receives_it(desk):
    """Procedure 000 as the personas have it: one L2 only, the parish's."""
    ticket = desk.open(product=desk.product)

    services.escalate(ticket, by=desk.l1, reason="Demande commerciale : relève du niveau 2")

    ticket.refresh_from_db()
    assert ticket.group == desk.group_l2


def test_no_group_at_the_next_tier_is_said_plainly(desk):
    desk.group_l2.tier = "L3"
    desk.group_l2.save(update_fields=["tier"])
    ticket = desk.open(product=desk.product)
    before = unchanged(ticket)

    with pytest.raises(ValidationError, match="Aucun groupe n'est rattaché au niveau L2"):
        services.escalate(ticket, by=desk.l1, reason="Pour le niveau 2")

    assert unchanged(ticket) == before


def test_the_top_tier_escalates_only_along_a_path(desk, editor_l2):
    ticket = desk.open(product=desk.product, group=desk.group_l3, by=desk.l3)
    with pytest.raises(InvalidTransition, match="plus haut niveau"):
        services.escalate(ticket, by=desk.l3, reason="encore")

    # The project team hands blocking anomalies of the sites to the editor's L2.
    desk.group_l3.escalates_to = editor_l2
    desk.group_l3.save(update_fields=["escalates_to"])
    services.escalate(ticket, by=desk.l3, reason="Relève de l'éditeur")
    ticket.refresh_from_db()
    assert ticket.group == editor_l2


def test_the_most_specific_path_wins(desk, editor_l2):
    """Organisation and product > organisation > product > the group's own path."""
    l2_mairie = GroupFactory(name="N2 mairie", tier="L2")
    l2_mairie_gestpro = GroupFactory(name="N2 mairie GestPro", tier="L2")
    group = desk.group_l1
    group.escalates_to = desk.group_l2
    group.save(update_fields=["escalates_to"])
    EscalationPath.objects.create(group=group, product=desk.other_product, to_group=editor_l2)
    EscalationPath.objects.create(group=group, organisation=desk.customer, to_group=l2_mairie)
    EscalationPath.objects.create(
        group=group, organisation=desk.customer, product=desk.other_product, to_group=l2_mairie_gestpro
    )
    # Another group's paths never apply.
    EscalationPath.objects.create(group=desk.group_other, organisation=desk.parish, to_group=desk.group_l3)

    def target(organisation, product):  # type: ignore[no-untyped-def]
        return escalation_target(
            group,
            organisation_id=organisation.pk if organisation else None,
            product_id=product.pk if product else None,
        )

    assert target(desk.customer, desk.other_product) == l2_mairie_gestpro
    assert target(desk.customer, desk.product) == l2_mairie
    assert target(desk.customer, None) == l2_mairie
    assert target(desk.parish, desk.other_product) == editor_l2
    assert target(None, desk.other_product) == editor_l2
    assert target(desk.parish, desk.product) == desk.group_l2
    assert target(None, None) == desk.group_l2


def test_an_organisations_path_applies_to_its_requests(desk, editor_l2):
    EscalationPath.objects.create(group=desk.group_l1, organisation=desk.customer, to_group=editor_l2)
    theirs = desk.open(requester=desk.neighbour, product=desk.product)
    parish = desk.open(product=desk.product)
    assert theirs.group == parish.group == desk.group_l1

    services.escalate(theirs, by=desk.l1, reason="Relève de l'éditeur")
    with pytest.raises(ValidationError, match="Choisissez le groupe"):
        services.escalate(parish, by=desk.l1, reason="Pour le niveau 2")

    theirs.refresh_from_db()
    assert theirs.group == editor_l2


def test_a_group_named_by_the_agent_wins_over_the_path(desk, editor_l2):
    desk.group_other.escalates_to = editor_l2
    desk.group_other.save(update_fields=["escalates_to"])
    ticket = gestpro_request(desk)

    services.escalate(ticket, by=desk.stranger_agent, reason="Relève du projet", to_group=desk.group_l3)

    ticket.refresh_from_db()
    assert ticket.group == desk.group_l3


def test_a_path_cannot_lead_back_to_its_own_group(desk):
    from django.core.exceptions import ValidationError as FormError

    desk.group_l1.escalates_to = desk.group_l1
    with pytest.raises(FormError):
        desk.group_l1.full_clean()
    path = EscalationPath(group=desk.group_l1, organisation=desk.parish, to_group=desk.group_l1)
    with pytest.raises(FormError):
        path.full_clean()
    bare = EscalationPath(group=desk.group_l1, to_group=desk.group_l2)
    with pytest.raises(FormError):
        bare.full_clean()


def test_the_demo_escalates_each_customers_requests_to_its_own_l2(db):
    """Spyrit's L1 hands the parish's requests to the parish's L2 (procedure 000), the
    software customer's to the editor's L2 (procedure 003); both L2s to the project team."""
    from comptoir import demo
    from comptoir.accounts.models import User

    demo.load()
    lea = User.objects.get(username="leaagent")
    parish = Ticket.objects.get(subject="Importer nos contacts dans Mailpoet")
    gestpro = Ticket.objects.get(subject="Invoices show a wrong VAT total")
    assert parish.group == gestpro.group == Group.objects.get(name="Pôle maintenance")

    parish = services.escalate(parish, by=lea, reason="Demande métier : niveau 2")
    gestpro = services.escalate(gestpro, by=lea, reason="Anomalie de facturation")

    assert parish.group.name == "Service communication"
    assert gestpro.group.name == "Support éditeur"
    marc = User.objects.get(username="marcagent")
    assert services.escalate(parish, by=marc, reason="Anomalie confirmée").group.name == "Équipe projet"
