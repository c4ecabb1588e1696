"""Production mode as the README sets it up (``COMPTOIR_ENV=production``, ``SECRET_KEY``,
``ALLOWED_HOSTS``, ``comptoir run``), served by Granian with two web processes: every page a
person visits loads, with every static file it links (no 404) and the security headers.

The server is a real ``comptoir run`` process on its own SQLite database (the demo data),
so this runs once, in the SQLite pass of ``make test``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import TIMEOUT_MS
from tests.servers import free_port

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Response

pytestmark = [pytest.mark.browser, pytest.mark.sqlite]

DEMO_PASSWORD = "comptoir-demo"  # comptoir.demo
HTML_HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}
# The pages the browser tests visit, by who visits them.
PAGES = {
    None: ["/accounts/login/", "/status/", "/kb/", "/contact/", "/portal/offline/"],
    "pierremartin": ["/portal/", "/portal/new/", "/kb/"],
    "leaagent": ["/desk/", "/desk/phone/", "/desk/triage/", "/desk/duty/", "/desk/outages/", "/kb/"],
    "superviseur": ["/desk/review/", "/desk/held/", "/desk/mail/outbox/", "/reports/"],
}


@pytest.fixture(scope="module")
def production_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    var_dir = tmp_path_factory.mktemp("production")
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("COMPTOIR_", "DJANGO_")) and k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG"}
    } | {
        "COMPTOIR_ENV": "production",
        "SECRET_KEY": "production-smoke-test-key-" + "x" * 30,
        "ALLOWED_HOSTS": "127.0.0.1",
        "COMPTOIR_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
        # Behind a TLS proxy that redirects plain HTTP itself and says "https" in this header.
        "COMPTOIR_PROXY_SSL_HEADER": "X-Forwarded-Proto",
        "COMPTOIR_SSL_REDIRECT": "false",
    }
    log = (var_dir / "server.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "comptoir.cli", "run", "--port", str(port), "--workers", "2"],
        env=env,
        cwd=var_dir,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                pytest.fail(f"comptoir run stopped: {Path(log.name).read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:  # noqa: S310 - our server
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"comptoir run did not answer: {Path(log.name).read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def visit_all(page: Page, paths: list[str]) -> tuple[list[str], list[str]]:
    """Opens each page; returns the failed requests and the pages missing a header."""
    failures: list[str] = []
    missing: list[str] = []

    def seen(response: Response) -> None:
        if response.status >= 400:
            failures.append(f"{response.status} {response.url}")

    page.on("response", seen)
    page.on(
        "console",
        lambda message: (
            failures.append(f"CSP: {message.text}") if "Content Security Policy" in message.text else None
        ),
    )
    page.on("requestfailed", lambda request: failures.append(f"failed {request.url}"))
    for path in paths:
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, f"{path}: {response.status}"
        page.wait_for_load_state("networkidle")
        headers = response.headers
        missing += [f"{path}: {name}" for name, value in HTML_HEADERS.items() if headers.get(name) != value]
        policy = headers.get("content-security-policy", "")
        if "script-src 'self'" not in policy or "frame-ancestors 'none'" not in policy:
            missing.append(f"{path}: content-security-policy {policy!r}")
        # The stylesheet really applied: Bootstrap sets the body's font.
        assert "system-ui" in page.evaluate("getComputedStyle(document.body).fontFamily"), path
    return failures, missing


@pytest.mark.parametrize("who", list(PAGES), ids=lambda who: who or "anonymous")
def test_production_pages_load_with_their_static_files_and_security_headers(
    production_server: str, browser: Browser, who: str | None
) -> None:
    context = browser.new_context(
        base_url=production_server, locale="fr-FR", viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        if who is not None:
            page.goto("/accounts/login/")
            page.fill("#id_login", who)
            page.fill("#id_password", DEMO_PASSWORD)
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
        failures, missing = visit_all(page, PAGES[who])
        static = [f for f in failures if "/static/" in f]
        assert not static, static
        assert not failures, failures
        assert not missing, missing
    finally:
        context.close()


def test_production_static_files_are_hashed_compressed_and_cached_for_long(production_server: str) -> None:
    with urllib.request.urlopen(f"{production_server}/accounts/login/", timeout=5) as answer:  # noqa: S310
        html = answer.read().decode()
    hashed = [part.split('"')[0] for part in html.split('href="/static/')[1:] if ".css" in part.split('"')[0]]
    assert hashed, html[:500]
    assert all(name.count(".") >= 2 for name in hashed), hashed  # name.<hash>.css
    request = urllib.request.Request(  # noqa: S310
        f"{production_server}/static/{hashed[0]}", headers={"Accept-Encoding": "gzip"}
    )
    with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
        assert answer.status == 200
        assert answer.headers["Content-Encoding"] == "gzip"
        assert "max-age=315360000" in answer.headers["Cache-Control"]


def test_production_app_manifest_and_service_worker_name_hashed_files_that_load(
    production_server: str,
) -> None:
    """The requester's app in production: the manifest's icons and the files the service
    worker keeps for offline use are the collected, hashed static files, and they load."""
    import json
    import re

    def get(path: str) -> tuple[int, str, bytes]:
        with urllib.request.urlopen(f"{production_server}{path}", timeout=5) as answer:  # noqa: S310
            return answer.status, answer.headers["Content-Type"], answer.read()

    _status, kind, body = get("/portal/manifest.webmanifest")
    assert kind == "application/manifest+json"
    icons = [icon["src"] for icon in json.loads(body)["icons"]]
    assert len(icons) == 3
    assert all(re.fullmatch(r"/static/icons/comptoir-[\w-]+\.[0-9a-f]{12}\.png", src) for src in icons), icons
    _status, kind, worker = get("/portal/sw.js")
    assert kind.startswith("text/javascript")
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", worker.decode()).group(1))  # type: ignore[union-attr]
    for path in [*icons, *shell]:
        status, _kind, _body = get(path)
        assert status == 200, path


def test_production_over_https_sends_hsts_and_the_proxy_header_is_trusted(production_server: str) -> None:
    request = urllib.request.Request(  # noqa: S310 - our server
        f"{production_server}/accounts/login/", headers={"X-Forwarded-Proto": "https"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - our server
        assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"
    with urllib.request.urlopen(f"{production_server}/accounts/login/", timeout=10) as plain:  # noqa: S310
        assert "Strict-Transport-Security" not in plain.headers  # never over plain HTTP
