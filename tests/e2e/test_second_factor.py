"""Two-factor authentication in a real browser (Debian's Chromium): an agent sets up an
authenticator app, signs out and signs in with login, password and the app's code; the same
code is refused a second time; a recovery code works once; an administrator requires it of
agents and an agent without it is led to enrol before the queue opens; a passkey is added
and used through Chromium's virtual authenticator (WebAuthn over the DevTools protocol).
Time is pinned (time-machine, in the live server too) so that each code belongs to a known
30-second window. Screenshots at 1280×800 and 390×844 in test-artifacts/e2e/."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Page, expect

from comptoir.accounts.models import SecurityPolicy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "secret-pass-123"  # tests/factories.py UserFactory
# The start of a 30-second window: every code below is computed for the window time is in.
START = datetime(2026, 12, 7, 9, 0, 0, tzinfo=UTC)
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


def code_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(datetime.now(UTC).timestamp()) // 30))


def shoot(page: Page, artifacts: Path, name: str) -> None:
    """The page at both sizes, then back to the desktop size."""
    for label, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=artifacts / f"mfa-{name}-{label}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def sign_in_with_password(page: Page, login: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", login)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()


def sign_out(page: Page) -> None:
    page.locator("nav form[action='/accounts/logout/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def confirm_password(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.fill("#id_password", PASSWORD)
    page.get_by_test_id("reauthenticate").click()


def enrol_totp(page: Page, artifacts: Path | None = None) -> str:
    """From the two-factor page: the app's key read on the page, the code typed."""
    page.get_by_test_id("activate-totp").click()
    if artifacts is not None:
        expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
        shoot(page, artifacts, "confirm-password")
    confirm_password(page)
    expect(page.get_by_test_id("totp-qr")).to_be_visible()
    if artifacts is not None:
        shoot(page, artifacts, "totp-activate")
    secret = page.locator("#authenticator_secret").input_value()
    page.fill("#id_code", code_now(secret))
    page.get_by_test_id("activate").click()
    expect(page.get_by_test_id("recovery-codes")).to_be_visible()
    return secret


def test_an_agent_enrols_an_app_signs_out_and_signs_in_with_the_code(
    desk, new_context: Callable[..., Any], artifacts: Path
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        page = new_context().new_page()
        sign_in_with_password(page, "leaagent")
        page.get_by_test_id("mfa-link").click()
        expect(page.locator("h1")).to_have_text("Double authentification")
        shoot(page, artifacts, "index")
        secret = enrol_totp(page, artifacts)
        recovery = page.get_by_test_id("recovery-code").all_inner_texts()
        assert len(recovery) == 10
        shoot(page, artifacts, "recovery-codes")
        assert Authenticator.objects.filter(user=desk.l1, type=Authenticator.Type.TOTP).exists()
        sign_out(page)

        clock.shift(30)
        sign_in_with_password(page, "leaagent")
        expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
        shoot(page, artifacts, "code")
        code = code_now(secret)
        page.fill("#id_code", code)
        page.get_by_test_id("mfa-sign-in").click()
        expect(page).to_have_url(re.compile(r"/desk/"))
        sign_out(page)

        # The same code again, in the same 30 seconds: refused.
        sign_in_with_password(page, "leaagent")
        page.fill("#id_code", code)
        page.get_by_test_id("mfa-sign-in").click()
        expect(page.get_by_test_id("code-error")).to_have_text("Code incorrect.")
        expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
        shoot(page, artifacts, "code-refused")

        # A recovery code instead: once, not twice.
        page.fill("#id_code", recovery[0])
        page.get_by_test_id("mfa-sign-in").click()
        expect(page).to_have_url(re.compile(r"/desk/"))
        sign_out(page)
        sign_in_with_password(page, "leaagent")
        page.fill("#id_code", recovery[0])
        page.get_by_test_id("mfa-sign-in").click()
        expect(page.get_by_test_id("code-error")).to_be_visible()
        page.fill("#id_code", recovery[1])
        page.get_by_test_id("mfa-sign-in").click()
        expect(page).to_have_url(re.compile(r"/desk/"))


def test_an_administrator_requires_it_for_agents_and_an_agent_is_led_to_enrol(
    desk, new_context: Callable[..., Any], artifacts: Path
) -> None:
    with time_machine.travel(START, tick=False):
        admin = new_context().new_page()
        sign_in_with_password(admin, "admin")
        admin.get_by_test_id("mfa-link").click()
        admin.get_by_test_id("security-link").click()
        expect(admin.locator("h1")).to_have_text("Sécurité de la connexion")
        admin.get_by_label("Agents").check()
        admin.get_by_test_id("save-security").click()
        expect(admin.get_by_test_id("flash")).to_have_text("Sécurité de la connexion enregistrée.")
        expect(admin.get_by_label("Agents")).to_be_checked()
        expect(admin.get_by_label("Superviseurs")).not_to_be_checked()
        shoot(admin, artifacts, "policy")
        assert SecurityPolicy.objects.get().mfa_for_agents

        agent = new_context().new_page()
        sign_in_with_password(agent, "leaagent")
        expect(agent).to_have_url(re.compile(r"/accounts/2fa/$"))
        expect(agent.get_by_test_id("flash").last).to_contain_text(
            "Votre rôle exige la double authentification"
        )
        shoot(agent, artifacts, "led-to-enrol")
        agent.goto("/desk/")
        expect(agent).to_have_url(re.compile(r"/accounts/2fa/$"))
        enrol_totp(agent)
        agent.goto("/desk/")
        expect(agent).to_have_url(re.compile(r"/desk/$"))
        expect(agent.locator("h1")).to_be_visible()

        # The supervisor's role is not ticked: the queue opens at once.
        supervisor = new_context().new_page()
        sign_in_with_password(supervisor, desk.supervisor.username)
        supervisor.goto("/desk/")
        expect(supervisor).to_have_url(re.compile(r"/desk/$"))


def test_a_passkey_is_added_and_used_to_sign_in(
    desk, new_context: Callable[..., Any], artifacts: Path
) -> None:
    context = new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    sign_in_with_password(page, "leaagent")
    page.goto("/accounts/2fa/")
    page.get_by_test_id("add-key").click()
    confirm_password(page)
    expect(page.locator("h1")).to_have_text("Ajouter une clé d'accès")
    page.fill("#id_name", "Portable du bureau")
    page.get_by_label("Se connecter aussi avec cette seule clé, sans le mot de passe").check()
    shoot(page, artifacts, "passkey-add")
    page.get_by_test_id("add-passkey").click()
    expect(page).not_to_have_url(re.compile(r"/webauthn/add/"))
    key = Authenticator.objects.get(user=desk.l1, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == "Portable du bureau"
    assert key.wrap().is_passwordless
    page.goto("/accounts/2fa/webauthn/")
    expect(page.get_by_test_id("key")).to_contain_text("Portable du bureau")
    shoot(page, artifacts, "passkeys")
    sign_out(page)

    # After the password, the passkey as the second step.
    sign_in_with_password(page, "leaagent")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.get_by_test_id("use-passkey").click()
    expect(page).to_have_url(re.compile(r"/desk/"))
    key.refresh_from_db()
    assert key.last_used_at is not None
    sign_out(page)

    # Or the passkey alone, from the sign-in page.
    shoot(page, artifacts, "login-with-passkey")
    page.get_by_test_id("passkey-login").click()
    expect(page).to_have_url(re.compile(r"/desk/"))
    expect(page.locator("nav")).to_contain_text(desk.l1.display_name)


def test_a_passkey_the_key_does_not_confirm_leaves_a_clear_message(
    desk, new_context: Callable[..., Any], log_in: Callable[..., None]
) -> None:
    """A key that cannot verify its user (no fingerprint, no PIN) for a passkey that must:
    the browser refuses, the page says so, nothing is saved."""
    context = new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": False,
            }
        },
    )
    log_in(page, desk.l1)
    page.goto("/accounts/2fa/webauthn/add/")
    confirm_password(page)
    page.get_by_label("Se connecter aussi avec cette seule clé, sans le mot de passe").check()
    page.get_by_test_id("add-passkey").click()
    expect(page.get_by_test_id("webauthn-error")).to_be_visible()
    assert not Authenticator.objects.filter(user=desk.l1, type=Authenticator.Type.WEBAUTHN).exists()
