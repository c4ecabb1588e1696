"""Personal API tokens: created from the user menu, shown once, stored hashed, scoped,
revocable, with their last use."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from comptoir.api import tokens
from comptoir.api.models import ApiToken

TOKEN = re.compile(r"cpt_[0-9a-f]{8}_[A-Za-z0-9_-]{40,}")


def create_on_page(client: Client, side: str, **data: str):  # type: ignore[no-untyped-def]
    data = {"name": "Application mobile", "scope": "write", "expires": "", **data}
    return client.post(f"/{side}/tokens/", data)


@pytest.mark.parametrize(
    ("persona", "side"), [("requester", "portal"), ("site_owner", "portal"), ("l1", "desk")]
)
def test_a_token_is_shown_once_and_only_its_hash_is_kept(desk, client, persona, side):
    user = getattr(desk, persona)
    client.force_login(user)
    page = client.get(f"/{side}/tokens/")
    assert page.status_code == 200
    assert f'href="/{side}/tokens/"' in page.content.decode()  # the user menu links to it

    created = create_on_page(client, side)
    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"] or "no-cache" in created["Cache-Control"]
    text = TOKEN.search(created.content.decode()).group(0)

    row = ApiToken.objects.get(user=user)
    assert row.digest == hashlib.sha256(text.encode()).hexdigest()
    assert text not in {row.prefix, row.digest, row.name}
    assert text.startswith(f"cpt_{row.prefix}_")
    assert row.scope == "write"

    again = client.get(f"/{side}/tokens/").content.decode()
    assert text not in again
    assert f"cpt_{row.prefix}_" in again  # the list tells the tokens apart by their prefix

    assert (
        Client().get("/api/v1/users/me", headers={"Authorization": f"Bearer {text}"}).json()["id"] == user.pk
    )


def test_the_desk_token_page_is_for_the_team(desk, client):
    client.force_login(desk.requester)
    assert client.get("/desk/tokens/").status_code == 403


def test_a_revoked_token_is_refused_at_once(desk, client):
    client.force_login(desk.requester)
    text = TOKEN.search(create_on_page(client, "portal").content.decode()).group(0)
    me = {"headers": {"Authorization": f"Bearer {text}"}}
    assert Client().get("/api/v1/tickets", **me).status_code == 200

    token = ApiToken.objects.get(user=desk.requester)
    response = client.post(f"/portal/tokens/{token.pk}/revoke/")
    assert response.status_code == 302

    refused = Client().get("/api/v1/tickets", **me)
    assert refused.status_code == 401
    assert refused.json()["code"] == "unauthorized"
    assert refused["WWW-Authenticate"] == "Bearer"
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_nobody_revokes_someone_elses_token(desk, client):
    token, _text = tokens.create_token(user=desk.requester, name="Script")
    client.force_login(desk.neighbour)
    assert client.post(f"/portal/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_read_token_cannot_write(desk, api_as):
    reader = api_as(desk.requester, scope="read")
    assert reader.get("/api/v1/tickets").status_code == 200
    refused = reader.post("/api/v1/tickets", {"subject": "Site en panne", "body": "Plus rien ne s'affiche."})
    assert refused.status_code == 403
    assert refused.json()["code"] == "read_only_token"
    assert not desk.requester.requested_tickets.exists()


def test_wrong_or_malformed_tokens_are_refused(desk, api_as):
    good = api_as(desk.requester)
    prefix = good.token.split("_")[1]
    for text in (f"cpt_{prefix}_faux", "cpt_", "n'importe quoi", good.token + "x"):
        assert Client().get("/api/v1/tickets", headers={"Authorization": f"Bearer {text}"}).status_code == 401
    assert Client().get("/api/v1/tickets").status_code == 401


def test_an_expired_token_or_a_deactivated_account_is_refused(desk):
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        _token, text = tokens.create_token(
            user=desk.requester, name="CI", expires_at=start + timedelta(days=30)
        )
    me = {"headers": {"Authorization": f"Bearer {text}"}}
    with time_machine.travel(start + timedelta(days=29), tick=False):
        assert Client().get("/api/v1/users/me", **me).status_code == 200
    with time_machine.travel(start + timedelta(days=30), tick=False):
        assert Client().get("/api/v1/users/me", **me).status_code == 401

    _token, text = tokens.create_token(user=desk.neighbour, name="CI")
    desk.neighbour.is_active = False
    desk.neighbour.save(update_fields=["is_active"])
    assert Client().get("/api/v1/users/me", headers={"Authorization": f"Bearer {text}"}).status_code == 401


def test_the_last_use_is_recorded_at_most_once_a_minute(desk, django_assert_num_queries):
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    token, text = tokens.create_token(user=desk.requester, name="Tableau de bord")
    assert token.last_used_at is None
    # Find the token, record its use; then, used a moment ago, nothing to write.
    with time_machine.travel(start, tick=False), django_assert_num_queries(2):
        assert tokens.authenticate(text) is not None
    with time_machine.travel(start + timedelta(seconds=59), tick=False), django_assert_num_queries(1):
        assert tokens.authenticate(text) is not None
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        tokens.authenticate(text)
    token.refresh_from_db()
    assert token.last_used_at == start + timedelta(minutes=1)


def test_the_page_shows_when_a_token_was_last_used(desk, client, api_as):
    api = api_as(desk.requester)
    api.get("/api/v1/tickets")
    client.force_login(desk.requester)
    row = ApiToken.objects.get(user=desk.requester)
    assert row.last_used_at is not None
    html = client.get("/portal/tokens/").content.decode()
    assert 'data-testid="token-row"' in html


def test_a_token_needs_a_name(desk, client):
    client.force_login(desk.requester)
    assert create_on_page(client, "portal", name="  ").status_code == 400
    assert not ApiToken.objects.exists()


def test_the_web_session_works_and_needs_the_csrf_token_to_write(desk):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(desk.requester)
    assert browser.get("/api/v1/users/me").json()["id"] == desk.requester.pk
    body = {"subject": "Site en panne", "body": "Plus rien ne s'affiche."}
    refused = browser.post("/api/v1/tickets", body, content_type="application/json")
    assert refused.status_code == 403
    browser.get("/portal/")  # a page sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    created = browser.post(
        "/api/v1/tickets", body, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert created.status_code == 201
