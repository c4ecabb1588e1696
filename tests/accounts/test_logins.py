"""Procedure 000: "each user has a personal account; the login follows the naming rule
prenomnom". Pure rules, no database."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.accounts.logins import base_login, fold, is_generic_address, make_login


@pytest.mark.parametrize(
    ("first", "last", "rule", "login"),
    [
        ("Hélène", "Lefèvre", "firstlast", "helenelefevre"),
        ("Jean-Noël", "d'Aubigné", "firstlast", "jeannoeldaubigne"),
        ("Jean-Noël", "d'Aubigné", "first.last", "jeannoel.daubigne"),
        ("Jean-Noël", "d'Aubigné", "flast", "jdaubigne"),
        ("Œdipe", "Straße", "firstlast", "oedipestrasse"),
        ("  Marie ", " De La Tour ", "firstlast", "mariedelatour"),
        ("Zoë", "", "first.last", "zoe"),
        ("", "", "firstlast", "user"),
    ],
)
def test_the_login_follows_the_naming_rule_without_accents(first, last, rule, login):
    assert base_login(first, last, rule) == login


def test_a_taken_login_gets_the_next_free_number():
    assert make_login("Pierre", "Martin", "firstlast", []) == "pierremartin"
    assert make_login("Pierre", "Martin", "firstlast", ["pierremartin"]) == "pierremartin2"
    assert make_login("Pierre", "Martin", "firstlast", ["PierreMartin", "pierremartin2"]) == "pierremartin3"


@pytest.mark.parametrize(
    "address",
    ["contact@paroisse.example", "INFO@mairie.example", "support+site@x.example", "secrétariat@p.example"],
)
def test_shared_addresses_are_recognised(address):
    assert is_generic_address(address)


@pytest.mark.parametrize("address", ["pierre.martin@paroisse.example", "contacts.presse.jean@x.example"])
def test_personal_addresses_are_not(address):
    assert not is_generic_address(address)


names = st.text(max_size=40)
rules = st.sampled_from(["firstlast", "first.last", "flast"])


@given(
    names, names, rules, st.sets(st.text(alphabet="abcdefghijklmnop.0123456789", max_size=12), max_size=20)
)
def test_a_login_is_plain_lower_case_and_never_taken(first, last, rule, taken):
    login = make_login(first, last, rule, taken)
    assert re.fullmatch(r"[a-z0-9.]{1,150}", login)
    assert login not in taken


@given(names, names, rules)
def test_the_same_person_twice_gets_two_logins(first, last, rule):
    one = make_login(first, last, rule, [])
    two = make_login(first, last, rule, [one])
    assert one != two
    assert two.startswith(one[:140])


@given(st.text(max_size=60))
def test_folding_keeps_only_ascii_letters_and_digits(text):
    assert re.fullmatch(r"[a-z0-9]*", fold(text))
