"""Chromium driven by Playwright against pytest-django's live server.

The browser is Debian's chromium (never `playwright install`: nothing is downloaded):
COMPTOIR_CHROMIUM names it, /usr/bin/chromium otherwise. Without one, the browser tests
are deselected with a warning on a workstation, and fail under CI=true, where they are
mandatory.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page
    from pytest_django.live_server_helper import LiveServer

    from comptoir.accounts.models import User

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
PASSWORD = "secret-pass-123"  # tests/factories.py UserFactory
TIMEOUT_MS = 10_000
_deselected_warning = pytest.StashKey[str]()
_call_failed = pytest.StashKey[bool]()

NO_BROWSER = (
    "no chromium for the browser tests: COMPTOIR_CHROMIUM is unset and "
    f"{DEFAULT_CHROMIUM} does not exist (install Debian's chromium: apt-get install chromium)"
)


def chromium_path() -> str | None:
    """The browser to drive, or None when none is configured or installed."""
    configured = os.environ.get("COMPTOIR_CHROMIUM")
    if configured:
        return configured
    return DEFAULT_CHROMIUM if Path(DEFAULT_CHROMIUM).exists() else None


def on_ci() -> bool:
    return os.environ.get("CI") == "true"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """No browser on a workstation: deselect the browser tests and say so loudly. On CI
    they stay selected, and the ``browser`` fixture fails them."""
    if chromium_path() is not None or on_ci():
        return
    dropped = [item for item in items if item.get_closest_marker("browser")]
    if not dropped:
        return
    config.hook.pytest_deselected(items=dropped)
    items[:] = [item for item in items if not item.get_closest_marker("browser")]
    message = f"WARNING: {len(dropped)} browser test(s) deselected: {NO_BROWSER}."
    config.stash[_deselected_warning] = message
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(message, yellow=True, bold=True)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    message = config.stash.get(_deselected_warning, None)
    if message:
        terminalreporter.write_line(message, yellow=True, bold=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember whether the test body failed, so the pages can be photographed."""
    report = yield
    if report.when == "call":
        item.stash[_call_failed] = report.failed
    return report


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/e2e/ at the repository root (gitignored): screenshots to look at.
    Failure shots of an earlier run are removed so the folder tells about this one."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for stale in ARTIFACTS.glob("FAILED-*.png"):
        stale.unlink()
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser() -> Generator[Browser]:
    """One headless Chromium for the session."""
    path = chromium_path()
    if path is None:
        # Only reachable on CI: elsewhere the collection hook deselected the tests.
        pytest.fail(f"CI=true and {NO_BROWSER}: the browser tests are mandatory.", pytrace=False)
    if not Path(path).exists():
        pytest.fail(f"COMPTOIR_CHROMIUM={path} does not exist.", pytrace=False)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # Playwright's sync API keeps an event loop running in the test thread; Django
        # would otherwise refuse the ORM calls the tests make between two browser steps.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


NewContext = Callable[..., "BrowserContext"]


@pytest.fixture
def new_context(
    browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest, artifacts: Path, settings: Any
) -> Generator[NewContext]:
    """Opens browser contexts (one per person: separate cookies) in French by default, on
    the live server, which is Comptoir's configured address (``COMPTOIR_BASE_URL``); closes
    them after the test, photographing their pages if it failed. A Content-Security-Policy
    violation by any of Comptoir's pages fails the test."""
    settings.COMPTOIR_BASE_URL = live_server.url
    opened: list[BrowserContext] = []
    violations: list[str] = []

    def watch(message: Any) -> None:
        # frame-ancestors refusals are Comptoir's policy working (a site that may not frame
        # the help button's panel): only a violation by Comptoir's own pages counts.
        if "Content Security Policy" in message.text and "frame-ancestors" not in message.text:
            violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def make(**options: Any) -> BrowserContext:
        options.setdefault("base_url", live_server.url)
        options.setdefault("locale", "fr-FR")
        options.setdefault("timezone_id", "Europe/Paris")
        options.setdefault("extra_http_headers", {"Accept-Language": "fr-FR,fr;q=0.9"})
        options.setdefault("viewport", {"width": 1280, "height": 900})
        ctx = browser.new_context(**options)
        ctx.set_default_timeout(TIMEOUT_MS)
        ctx.on("console", watch)
        opened.append(ctx)
        return ctx

    yield make
    failed = request.node.stash.get(_call_failed, False)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    for i, ctx in enumerate(opened):
        if failed:
            for j, page in enumerate(ctx.pages):
                with contextlib.suppress(Exception):  # a crashed page must not hide the failure
                    page.screenshot(path=artifacts / f"FAILED-{name}-{i}-{j}.png", full_page=True)
        ctx.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def context(new_context: NewContext) -> BrowserContext:
    """A French browser context."""
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def log_in() -> Callable[[Page, User], None]:
    """Signs a persona in through the login form, as a person would."""
    from playwright.sync_api import expect

    def sign_in(page: Page, user: User) -> None:
        page.goto("/accounts/login/")
        page.fill("#id_login", user.username)
        page.fill("#id_password", PASSWORD)
        page.locator("main form button[type=submit]").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    return sign_in
