"""Mails greet people with their name in a readable case: "Bonjour Ben Ali,", not
"Bonjour BEN ALI," when the name came from an upper-case column."""

from __future__ import annotations

import pytest
from django.core import mail

from comptoir.accounts.names import readable_name
from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("given", "readable"),
    [
        ("BEN ALI", "Ben Ali"),
        ("DUPONT-MARTIN", "Dupont-Martin"),
        ("ÉLODIE", "Élodie"),
        ("O'BRIEN", "O'Brien"),
        ("JEAN DE LA TOUR", "Jean de la Tour"),
        ("JEAN D'ALEMBERT", "Jean d'Alembert"),
        ("DE GAULLE", "De Gaulle"),
        ("LE GOFF", "Le Goff"),
        ("MARIE-ÈVE  N'DIAYE", "Marie-Ève  N'Diaye"),
        # Mixed or lower case is the person's own spelling: kept.
        ("McDonald", "McDonald"),
        ("de la Tour", "de la Tour"),
        ("van der Berg", "van der Berg"),
        ("DiCaprio", "DiCaprio"),
        ("J.", "J."),
        ("", ""),
    ],
)
def test_readable_name(given: str, readable: str) -> None:
    assert readable_name(given) == readable


def test_the_acknowledgement_greets_an_upper_case_name_readably(desk, django_capture_on_commit_callbacks):
    requester = UserFactory(
        username="karim", first_name="KARIM", last_name="BEN ALI", organisation=desk.parish, language="fr"
    )
    with django_capture_on_commit_callbacks(execute=True):
        desk.open(requester=requester)
    body = mail.outbox[-1].body
    print(body)
    assert body.startswith("Bonjour Karim Ben Ali,")
    kept = UserFactory(username="ronald", first_name="Ronald", last_name="McDonald", organisation=desk.parish)
    with django_capture_on_commit_callbacks(execute=True):
        desk.open(requester=kept)
    assert mail.outbox[-1].body.startswith("Bonjour Ronald McDonald,")
