"""The requester's app in a real browser (Debian's Chromium): the portal links a valid web
app manifest whose icons load, its service worker registers and takes control, the
offline page is served by the service worker when the network is gone, and a device's
subscription (registered as the page's script does: headless Chromium has no push
service of its own) receives an agent's answer, encrypted, at a local push service; the
decrypted message, handed to the service worker, shows as the notification. Screenshots in
test-artifacts/e2e/."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from comptoir.dispatch import catalogue, presets
from comptoir.push.models import PushSubscription
from comptoir.tickets import services
from comptoir.tickets.links import ticket_url
from tests.push.push_service import PushService
from tests.servers import free_port

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

# What the page's script does once the browser has subscribed (static/push/app.js).
POST_SUBSCRIPTION = """async (subscription) => {
  const box = document.querySelector("[data-push-device]");
  const answer = await fetch(box.dataset.subscribe, {
    method: "POST",
    credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRFToken": box.dataset.csrf},
    body: JSON.stringify({subscription, label: "Android · Chrome", emergencies: false}),
  });
  return answer.status;
}"""


@pytest.fixture
def push_service():  # type: ignore[no-untyped-def]
    service = PushService(port=free_port())
    service.start()
    yield service
    service.stop()


def test_the_portal_installs_as_an_app_and_works_offline(
    desk, live_server, new_context: Callable[..., Any], log_in, artifacts: Path
) -> None:
    context = new_context(viewport=DESKTOP)
    page = context.new_page()
    log_in(page, desk.requester)
    page.goto("/portal/")

    href = page.locator("link[rel=manifest]").get_attribute("href")
    assert href == "/portal/manifest.webmanifest"
    answer = page.request.get(href)
    assert answer.ok
    assert answer.headers["content-type"] == "application/manifest+json"
    manifest = answer.json()
    assert manifest["name"] == "Comptoir"
    assert manifest["start_url"] == manifest["scope"] == "/portal/"
    assert manifest["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    sizes = set()
    for icon in manifest["icons"]:
        image = page.request.get(icon["src"])
        assert image.ok, icon
        assert image.headers["content-type"] == "image/png"
        assert image.body()[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(image.body()[16:20], "big"), int.from_bytes(image.body()[20:24], "big")
        assert f"{width}x{height}" == icon["sizes"]
        sizes.add((icon["sizes"], icon["purpose"]))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes

    # The service worker registers, activates and takes control of the portal's pages.
    worker = page.evaluate(
        "navigator.serviceWorker.ready.then(r => ({scope: r.scope, state: r.active && r.active.state}))"
    )
    assert worker == {"scope": f"{live_server.url}/portal/", "state": "activated"}
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        # This page loaded while the worker was still installing: the next load is the
        # worker's (as for a person, whose next visit is).
        page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    box = page.get_by_test_id("push-device")
    expect(box.get_by_role("button", name="Recevoir les notifications sur cet appareil")).to_be_visible()
    page.screenshot(path=artifacts / "app-portal-notifications-1280.png")
    page.set_viewport_size(PHONE)
    page.screenshot(path=artifacts / "app-portal-notifications-390.png", full_page=True)

    # No network: the service worker answers with the offline page.
    ticket = desk.open(product=desk.product)
    context.set_offline(True)
    page.goto(f"/portal/tickets/{ticket.number}/")
    expect(page.get_by_test_id("offline")).to_contain_text("Vous êtes hors connexion")
    page.screenshot(path=artifacts / "app-offline-390.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=artifacts / "app-offline-1280.png")
    # Back online, the same address shows the request again.
    context.set_offline(False)
    page.get_by_role("button", name="Réessayer").click()
    expect(page.get_by_test_id("ticket-number")).to_have_text(f"#{ticket.number}")


def test_a_device_subscribed_from_the_portal_receives_an_agents_answer_encrypted(
    desk, live_server, settings, push_service, new_context: Callable[..., Any], log_in, artifacts: Path
) -> None:
    settings.COMPTOIR_BASE_URL = live_server.url
    ticket = desk.open(product=desk.product)
    page = new_context(viewport=PHONE).new_page()
    log_in(page, desk.requester)
    page.goto("/portal/")
    endpoint, browser = push_service.new_browser("pierre-phone")
    status = page.evaluate(
        POST_SUBSCRIPTION, {"endpoint": endpoint, "keys": {"p256dh": browser.p256dh, "auth": browser.auth}}
    )
    assert status == 201
    assert PushSubscription.objects.get().user == desk.requester

    services.reply(ticket, by=desk.l1, body="Bonjour Pierre,\nL'import se fait depuis Mailpoet > Abonnés.")
    assert push_service.refused == []
    [pushed] = push_service.received
    assert pushed.message["title"] == f"[{ticket.reference}] Nouvelle réponse : {ticket.subject}"
    assert "L'import se fait depuis Mailpoet" in pushed.message["body"]
    assert pushed.message["url"] == ticket_url(ticket)

    # The decrypted message, handed to the portal's service worker as the browser's push
    # service would (DevTools protocol), shows as a notification that opens the request.
    page.context.grant_permissions(["notifications"])
    cdp = page.context.new_cdp_session(page)
    registrations: list[dict[str, Any]] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"])
    )
    page.evaluate("navigator.serviceWorker.ready")
    cdp.send("ServiceWorker.enable")

    def portal_worker() -> list[dict[str, Any]]:
        return [
            r for r in registrations if r["scopeURL"] == f"{live_server.url}/portal/" and not r["isDeleted"]
        ]

    for _poll in range(50):  # the DevTools events arrive while Playwright waits
        if portal_worker():
            break
        page.wait_for_timeout(100)
    registration = portal_worker()[-1]
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server.url,
            "registrationId": registration["registrationId"],
            "data": json.dumps(pushed.message),
        },
    )
    shown = page.evaluate("""async () => {
      const reg = await navigator.serviceWorker.ready;
      for (let i = 0; i < 50; i++) {
        const notes = await reg.getNotifications();
        if (notes.length) return notes.map(n => ({title: n.title, body: n.body, url: n.data.url}));
        await new Promise(done => setTimeout(done, 100));
      }
      return [];
    }""")
    assert shown == [
        {"title": pushed.message["title"], "body": pushed.message["body"], "url": ticket_url(ticket)}
    ]

    # The agent on call opts in to the emergency line from the duty page.
    presets.procedure_003([desk.l1, desk.l2, desk.l3])
    catalogue.reset()
    agent = new_context(viewport=DESKTOP).new_page()
    log_in(agent, desk.l2)
    agent.goto("/desk/duty/")
    expect(agent.get_by_role("button", name="Recevoir les urgences sur cet appareil")).to_be_visible()
    # The service worker (scope /portal/) is registered from the desk's page too.
    scope = agent.evaluate("""async () => {
      for (let i = 0; i < 100; i++) {
        const r = await navigator.serviceWorker.getRegistration("/portal/");
        if (r && r.active) return r.scope;
        await new Promise(done => setTimeout(done, 100));
      }
      return null;
    }""")
    assert scope == f"{live_server.url}/portal/"
    agent.screenshot(path=artifacts / "app-duty-emergencies-1280.png")
