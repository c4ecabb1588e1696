"""Which group a new ticket goes to (pure): the first matching rule, in order."""

from __future__ import annotations

from comptoir.dispatch.routing import NewTicket, Rule, first_match, fold, matches

GRC, INTRANET = 10, 11
DEVIS_FAC, CONGES = 20, 21
L2_GRC, PRODUCT_TEAM, HOSTING = 100, 101, 102


def ticket(**fields: object) -> NewTicket:
    base: dict[str, object] = {
        "product_id": None,
        "component_id": None,
        "type": "question",
        "organisation_id": None,
        "channel": "portal",
        "mailbox_id": None,
        "subject": "Question",
        "body": "Bonjour",
    }
    return NewTicket(**(base | fields))  # type: ignore[arg-type]


RULES = (
    Rule.build(
        id=1,
        name="Évolutions GRC",
        group_id=PRODUCT_TEAM,
        products=frozenset({GRC}),
        types=frozenset({"feature_request"}),
    ),
    Rule.build(id=2, name="Devis-fac", group_id=L2_GRC, components=frozenset({DEVIS_FAC})),
    Rule.build(
        id=3, name="Hébergement", group_id=HOSTING, keywords=["serveur", "messagerie bloquée", "écran"]
    ),
)


def test_requests_are_grouped_by_product_and_component():
    assert first_match(RULES, ticket(product_id=GRC, component_id=DEVIS_FAC)).group_id == L2_GRC
    assert first_match(RULES, ticket(product_id=INTRANET, component_id=CONGES)) is None


def test_the_first_matching_rule_wins():
    # A feature request on the GRC's Devis-fac component matches rules 1 and 2: rule 1 is first.
    rule = first_match(RULES, ticket(product_id=GRC, component_id=DEVIS_FAC, type="feature_request"))
    assert rule is not None
    assert rule.name == "Évolutions GRC"


def test_every_set_condition_must_hold():
    assert not matches(RULES[0], ticket(product_id=GRC, type="incident"))
    by_channel = Rule.build(
        id=4, name="Téléphone", group_id=1, channels=frozenset({"phone"}), organisations=frozenset({7})
    )
    assert matches(by_channel, ticket(channel="phone", organisation_id=7))
    assert not matches(by_channel, ticket(channel="phone", organisation_id=8))
    by_mailbox = Rule.build(id=5, name="support@", group_id=1, mailboxes=frozenset({3}))
    assert matches(by_mailbox, ticket(mailbox_id=3))
    assert not matches(by_mailbox, ticket(mailbox_id=None))


def test_keywords_ignore_capitals_and_accents_in_subject_and_text():
    assert first_match(RULES, ticket(subject="Le SERVEUR web ne répond plus")).group_id == HOSTING
    assert first_match(RULES, ticket(body="Mon ÉCRAN reste noir")).group_id == HOSTING
    assert first_match(RULES, ticket(body="mon ecran reste noir")).group_id == HOSTING
    # A phrase matches across line breaks and repeated spaces.
    assert first_match(RULES, ticket(body="Ma messagerie\n   BLOQUÉE depuis ce matin")).group_id == HOSTING


def test_a_keyword_matches_from_the_beginning_of_a_word():
    assert first_match(RULES, ticket(subject="Nos serveurs sont lents")).group_id == HOSTING
    assert first_match(RULES, ticket(subject="Problème de réserveur")) is None


def test_a_rule_without_conditions_matches_everything():
    catch_all = Rule.build(id=9, name="Tout", group_id=1)
    assert matches(catch_all, ticket())


def test_fold():
    assert fold("Évolution CONGÉS Œuvre") == "evolution conges œuvre"
