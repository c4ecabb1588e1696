"""The single sign-on rules, without a database: whom an organisation's provider may sign
in, and as whom."""

from __future__ import annotations

import pytest

from comptoir.accounts.sign_on_rules import (
    Account,
    Answer,
    Decision,
    Provider,
    Refusal,
    decide,
    domain_of,
    owners_of,
    parse_domains,
)

PARISH, TOWN_HALL, SUPPORT = 1, 2, 3
PARISH_PROVIDER = Provider(organisation_id=PARISH, domains=frozenset({"paroisse.example"}))
SUPPORT_PROVIDER = Provider(
    organisation_id=SUPPORT, domains=frozenset({"comptoir-support.example"}), new_person_role="agent"
)


def answer(email: str, verified: bool = True) -> Answer:
    return Answer(email=email, email_verified=verified)


def test_a_newcomer_of_the_domain_becomes_a_requester_of_the_organisation():
    decision = decide(
        PARISH_PROVIDER, answer("helene@paroisse.example"), domain_owners=frozenset({PARISH}), account=None
    )
    assert decision == Decision(new_role="requester")
    assert decision.accepted


def test_the_support_team_provider_makes_agents():
    decision = decide(
        SUPPORT_PROVIDER,
        answer("lea@comptoir-support.example"),
        domain_owners=frozenset({SUPPORT}),
        account=None,
    )
    assert decision.new_role == "agent"


def test_an_unverified_address_is_refused_whatever_its_domain():
    decision = decide(
        PARISH_PROVIDER,
        answer("paul@paroisse.example", verified=False),
        domain_owners=frozenset(),
        account=None,
    )
    assert decision.refusal is Refusal.UNVERIFIED


def test_no_address_is_refused():
    assert (
        decide(PARISH_PROVIDER, answer(""), domain_owners=frozenset(), account=None).refusal
        is Refusal.NO_ADDRESS
    )


def test_an_address_of_another_organisation_is_refused():
    decision = decide(
        PARISH_PROVIDER,
        answer("lucas@villeneuve.example"),
        domain_owners=frozenset({TOWN_HALL}),
        account=None,
    )
    assert decision.refusal is Refusal.OTHER_ORGANISATION


def test_a_domain_shared_with_another_organisation_is_refused():
    decision = decide(
        PARISH_PROVIDER,
        answer("x@paroisse.example"),
        domain_owners=frozenset({PARISH, TOWN_HALL}),
        account=None,
    )
    assert decision.refusal is Refusal.OTHER_ORGANISATION


def test_a_domain_no_organisation_of_the_provider_names_is_refused():
    decision = decide(
        PARISH_PROVIDER, answer("jean@ailleurs.example"), domain_owners=frozenset(), account=None
    )
    assert decision.refusal is Refusal.UNKNOWN_DOMAIN


@pytest.mark.parametrize("role", ["requester", "org_admin"])
def test_an_account_of_the_organisation_is_signed_in(role):
    decision = decide(
        PARISH_PROVIDER,
        answer("pierre@paroisse.example"),
        domain_owners=frozenset({PARISH}),
        account=Account(organisation_id=PARISH, role=role),
    )
    assert decision == Decision()


def test_an_account_of_another_organisation_is_refused():
    decision = decide(
        PARISH_PROVIDER,
        answer("pierre@paroisse.example"),
        domain_owners=frozenset({PARISH}),
        account=Account(organisation_id=TOWN_HALL, role="requester"),
    )
    assert decision.refusal is Refusal.WRONG_ORGANISATION


@pytest.mark.parametrize("role", ["agent", "supervisor", "admin"])
def test_a_customer_provider_never_signs_into_a_staff_account(role):
    for organisation_id in (PARISH, None):
        decision = decide(
            PARISH_PROVIDER,
            answer("chef@paroisse.example"),
            domain_owners=frozenset({PARISH}),
            account=Account(organisation_id=organisation_id, role=role),
        )
        assert decision.refusal is Refusal.WRONG_ORGANISATION


def test_the_support_team_provider_signs_in_its_staff_set_up_without_an_organisation():
    decision = decide(
        SUPPORT_PROVIDER,
        answer("marc@comptoir-support.example"),
        domain_owners=frozenset({SUPPORT}),
        account=Account(organisation_id=None, role="agent"),
    )
    assert decision == Decision()


def test_a_requester_without_an_organisation_joins_the_one_of_the_domain():
    decision = decide(
        PARISH_PROVIDER,
        answer("pierre@paroisse.example"),
        domain_owners=frozenset({PARISH}),
        account=Account(organisation_id=None, role="requester"),
    )
    assert decision == Decision(joins_organisation=True)


def test_domains_are_read_like_people_write_them():
    assert parse_domains(" Paroisse.example, @saint-seurin.example ,, ") == {
        "paroisse.example",
        "saint-seurin.example",
    }
    assert domain_of("Hélène.L@Paroisse.EXAMPLE") == "paroisse.example"
    assert domain_of("pierremartin") == ""
    assert domain_of("@paroisse.example") == ""
    assert owners_of("paroisse.example", [(1, "paroisse.example"), (2, "notparoisse.example"), (3, "")]) == {
        1
    }
