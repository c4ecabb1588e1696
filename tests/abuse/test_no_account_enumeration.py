"""An organisation admin learns nothing about accounts outside their organisation from the
new-account form: an address that belongs to another organisation's requester, or to the
support team, gets the same answer as a new one; nothing is created, and the address's
owner is told by mail. Within their own organisation, the admin is told the account exists."""

from __future__ import annotations

import re

import pytest

from comptoir.accounts.models import User
from comptoir.core import outbox
from tests.pages import flashes


def create(client, email: str):  # type: ignore[no-untyped-def]
    form = {"first_name": "Hélène", "last_name": "Lefèvre", "email": email, "org_role": "editor"}
    return client.post("/portal/accounts/new/", form, follow=True, HTTP_ACCEPT_LANGUAGE="fr")


def answer(response, email: str) -> str:  # type: ignore[no-untyped-def]
    """The flashed answer, without the address and the login's number."""
    text = " ".join(message for _level, message in flashes(response.content))
    return re.sub(r"helenelefevre\d*", "LOGIN", text.replace(email, "EMAIL"))


@pytest.mark.django_db
@pytest.mark.parametrize("whose", ["another organisation's requester", "an agent"])
def test_an_address_known_elsewhere_gets_the_same_answer_as_a_new_one(desk, client, mailoutbox, whose):
    known = desk.neighbour if whose.startswith("another") else desk.l1
    client.force_login(desk.site_owner)
    fresh = create(client, "helene.lefevre@paroisse.example")
    elsewhere = create(client, known.email)
    assert fresh.status_code == elsewhere.status_code == 200
    assert fresh.redirect_chain == elsewhere.redirect_chain
    assert answer(elsewhere, known.email) == answer(fresh, "helene.lefevre@paroisse.example")
    assert "EMAIL" in answer(fresh, "helene.lefevre@paroisse.example")

    known.refresh_from_db()
    assert (known.organisation_id, known.role) == (
        desk.customer.pk if whose.startswith("another") else None,
        User.Role.REQUESTER if whose.startswith("another") else User.Role.AGENT,
    )
    assert User.objects.filter(email__iexact=known.email).count() == 1
    outbox.deliver_due()
    told = [m for m in mailoutbox if known.email in m.to]
    assert len(told) == 1
    assert "rien n'a été créé" in told[0].body or "nothing was created" in told[0].body
    assert known.username in told[0].body


@pytest.mark.django_db
def test_within_the_organisation_the_admin_is_told_the_account_exists(desk, client):
    client.force_login(desk.site_owner)
    response = create(client, desk.requester.email)
    assert "existe déjà" in response.content.decode()
    assert User.objects.filter(email__iexact=desk.requester.email).count() == 1
