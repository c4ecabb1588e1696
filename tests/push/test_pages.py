"""The portal as an installable app (manifest, service worker, offline page) and the
views a device opts in and out through."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from comptoir.push import keys
from comptoir.push.models import PushSubscription
from tests.push.push_service import Browser


def subscription_json(endpoint: str = "https://push.example.net/send/abc") -> dict[str, object]:
    browser = Browser()
    return {"endpoint": endpoint, "keys": {"p256dh": browser.p256dh, "auth": browser.auth}}


@pytest.fixture
def strict_client() -> Client:
    return Client(enforce_csrf_checks=True)


def csrf_token(client: Client, page: str = "portal:list") -> str:
    client.get(reverse(page))
    return client.cookies["csrftoken"].value


def post_json(client: Client, name: str, data: dict[str, object], token: str | None):  # type: ignore[no-untyped-def]
    headers = {"X-CSRFToken": token} if token else {}
    return client.post(reverse(name), json.dumps(data), content_type="application/json", headers=headers)


def test_a_requester_opts_a_device_in_and_out(desk, strict_client):
    strict_client.force_login(desk.requester)
    token = csrf_token(strict_client)
    sub = subscription_json()
    answer = post_json(
        strict_client, "portal:push_subscribe", {"subscription": sub, "label": "Android · Chrome"}, token
    )
    assert answer.status_code == 201
    [row] = PushSubscription.objects.all()
    assert (row.user, row.endpoint, row.label, row.emergencies) == (
        desk.requester,
        sub["endpoint"],
        "Android · Chrome",
        False,
    )
    answer = post_json(strict_client, "portal:push_unsubscribe", {"endpoint": sub["endpoint"]}, token)
    assert answer.json() == {"removed": True}
    assert not PushSubscription.objects.exists()


def test_opting_in_needs_the_csrf_token_and_a_signed_in_person(desk, strict_client):
    token = csrf_token(strict_client, "account_login")
    assert (
        post_json(
            strict_client, "portal:push_subscribe", {"subscription": subscription_json()}, token
        ).status_code
        == 302
    )
    strict_client.force_login(desk.requester)
    assert (
        post_json(
            strict_client, "portal:push_subscribe", {"subscription": subscription_json()}, None
        ).status_code
        == 403
    )
    assert not PushSubscription.objects.exists()


def test_bad_subscriptions_are_refused_with_a_message(desk, client):
    client.force_login(desk.requester)
    bad_key = subscription_json() | {"keys": {"p256dh": "abc", "auth": "def"}}
    for data in (
        {},
        {"subscription": "x"},
        {"subscription": bad_key},
        {"subscription": subscription_json("ftp://x/y")},
    ):
        answer = post_json(client, "portal:push_subscribe", data, None)
        assert answer.status_code == 400, data
        assert answer.json()["error"]
    assert not PushSubscription.objects.exists()


def test_only_the_team_opts_in_to_the_emergency_line(desk, client):
    client.force_login(desk.requester)
    answer = post_json(
        client, "portal:push_subscribe", {"subscription": subscription_json(), "emergencies": True}, None
    )
    assert answer.status_code == 403
    client.force_login(desk.l2)
    answer = post_json(
        client, "portal:push_subscribe", {"subscription": subscription_json(), "emergencies": True}, None
    )
    assert answer.status_code == 201
    assert PushSubscription.objects.get().emergencies


def test_nobody_stops_another_persons_device(desk, client):
    sub = subscription_json()
    client.force_login(desk.requester)
    post_json(client, "portal:push_subscribe", {"subscription": sub}, None)
    client.force_login(desk.neighbour)
    assert post_json(client, "portal:push_unsubscribe", {"endpoint": sub["endpoint"]}, None).json() == {
        "removed": False
    }
    assert PushSubscription.objects.get().user == desk.requester


def test_a_shared_device_belongs_to_whoever_subscribed_last(desk, client):
    sub = subscription_json()
    client.force_login(desk.requester)
    post_json(client, "portal:push_subscribe", {"subscription": sub}, None)
    client.force_login(desk.site_owner)
    post_json(client, "portal:push_subscribe", {"subscription": sub}, None)
    assert PushSubscription.objects.get().user == desk.site_owner


def test_the_portal_links_the_manifest_and_shows_the_notifications_button(desk, client):
    client.force_login(desk.requester)
    page = client.get(reverse("portal:list")).content.decode()
    assert f'<link rel="manifest" href="{reverse("portal:manifest")}">' in page
    assert "Recevoir les notifications sur cet appareil" in page
    assert f'data-public-key="{keys.key_pair().public_key}"' in page
    client.force_login(desk.l1)
    assert 'rel="manifest"' not in client.get(reverse("desk:queue")).content.decode()


def test_the_manifest_describes_the_portal_app(client, db):
    answer = client.get(reverse("portal:manifest"))
    assert answer["Content-Type"] == "application/manifest+json"
    data = answer.json()
    assert (data["name"], data["start_url"], data["scope"], data["display"]) == (
        "Comptoir",
        "/portal/",
        "/portal/",
        "standalone",
    )
    assert data["theme_color"] == "#0d6efd"
    assert {(i["sizes"], i["purpose"]) for i in data["icons"]} == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("512x512", "maskable"),
    }


def test_the_service_worker_covers_the_portal_and_is_never_stale(client, db):
    answer = client.get(reverse("portal:service_worker"))
    assert answer["Content-Type"].startswith("text/javascript")
    assert answer["Service-Worker-Allowed"] == "/portal/"
    assert "no-cache" in answer["Cache-Control"]
    assert '"/portal/offline/"' in answer.content.decode()


def test_the_offline_page_speaks_both_languages(client, db):
    assert "Vous êtes hors connexion" in client.get(reverse("portal:offline")).content.decode()
    english = client.get(reverse("portal:offline"), headers={"Accept-Language": "en"}).content.decode()
    assert "You are offline" in english


def test_the_administrator_sees_the_devices_and_removes_a_lost_one(desk, client):
    sub = subscription_json()
    client.force_login(desk.requester)
    post_json(client, "portal:push_subscribe", {"subscription": sub, "label": "Android · Chrome"}, None)
    row = PushSubscription.objects.get()
    client.force_login(desk.admin)
    listing = client.get(reverse("admin:push_pushsubscription_changelist")).content.decode()
    assert "Android · Chrome" in listing
    answer = client.post(reverse("admin:push_pushsubscription_delete", args=[row.pk]), {"post": "yes"})
    assert answer.status_code == 302
    assert not PushSubscription.objects.exists()


def test_in_production_a_device_must_name_a_push_service_on_the_internet(desk, client, settings):
    """Otherwise anyone signed in could make the server POST inside its own network."""
    settings.PRODUCTION = True
    client.force_login(desk.requester)
    for endpoint in (
        "http://push.example.net/send/abc",
        "https://127.0.0.1:8080/admin/",
        "https://10.0.0.5/x",
        "https://[::1]/x",
        "https://localhost/x",
        "https://metadata.internal/x",
    ):
        answer = post_json(
            client, "portal:push_subscribe", {"subscription": subscription_json(endpoint)}, None
        )
        assert answer.status_code == 400, endpoint
    answer = post_json(
        client,
        "portal:push_subscribe",
        {"subscription": subscription_json("https://fcm.googleapis.com/fcm/send/x")},
        None,
    )
    assert answer.status_code == 201
