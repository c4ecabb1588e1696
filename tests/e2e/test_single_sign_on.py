"""Single sign-on in a real browser (Debian's Chromium) against a real OpenID Connect
provider (django-oauth-toolkit in its own process, tests/oidc_provider): the parish's
people type their address (or press "Se connecter avec …"), sign in on the provider's page,
consent, and land in the parish as requesters; the support team's provider makes agents;
someone of another organisation's domain, or whose address the provider did not verify, is
refused with a clear page and nothing is created. Screenshots in test-artifacts/e2e/."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import Page, expect

from comptoir.accounts import sign_on
from comptoir.accounts.models import SingleSignOn, User
from tests.conftest import SIGN_ON_CLIENTS, SIGN_ON_SECRET
from tests.factories import OrganisationFactory
from tests.oidc_provider import people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def at_the_provider(page: Page, person: people.Person) -> None:
    """The provider's own login form, then its consent page."""
    expect(page).to_have_url(re.compile(r"http://127\.0\.0\.1:\d+/login/"))
    page.fill("#id_username", person.login)
    page.fill("#id_password", people.PASSWORD)
    page.click("#idp-login")
    page.locator("input[name=allow]").click()


def type_address(page: Page, address: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", address)
    page.locator("main form[action='/accounts/login/'] button[type=submit]").click()


def test_a_parishioner_signs_in_through_the_parish_provider_and_lands_in_the_parish(
    desk, parish_sign_on, new_context: Callable[..., Any], artifacts: Path
) -> None:
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        shot = new_context(viewport=viewport).new_page()
        shot.goto("/accounts/login/")
        expect(shot.get_by_test_id("sign-on-buttons")).to_contain_text(
            "Se connecter avec Paroisse Saint-Seurin"
        )
        shot.screenshot(path=artifacts / f"sign-on-login-{name}.png", full_page=True)

    page = new_context(viewport=DESKTOP).new_page()
    type_address(page, people.HELENE.email)
    at_the_provider(page, people.HELENE)
    expect(page).to_have_url(re.compile(r"/portal/"))
    page.screenshot(path=artifacts / "sign-on-landed-requester.png", full_page=True)

    helene = User.objects.get(email=people.HELENE.email)
    assert (helene.organisation, helene.role) == (desk.parish, User.Role.REQUESTER)
    assert SocialAccount.objects.get(user=helene).provider == "paroisse-saint-seurin"


def test_the_support_team_signs_in_through_its_provider_as_agents(
    desk, oidc_provider, new_context: Callable[..., Any]
) -> None:
    support = OrganisationFactory(name="Comptoir Support", email_domains="comptoir-support.example")
    sign_on.configure_sign_on(
        by=desk.admin,
        organisation=support,
        name="Équipe support",
        server_url=oidc_provider.url,
        client_id=SIGN_ON_CLIENTS["comptoir-support"],
        secret=SIGN_ON_SECRET,
        new_person_role=SingleSignOn.NewPersonRole.AGENT,
        show_button=True,
    )
    page = new_context(viewport=DESKTOP).new_page()
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Se connecter avec Équipe support").click()
    at_the_provider(page, people.LEA_SUPPORT)
    expect(page).to_have_url(re.compile(r"/desk/"))
    lea = User.objects.get(email=people.LEA_SUPPORT.email)
    assert (lea.organisation, lea.role) == (support, User.Role.AGENT)


def test_someone_of_another_organisation_is_refused_and_nothing_is_created(
    desk, parish_sign_on, new_context: Callable[..., Any], artifacts: Path
) -> None:
    users_before = User.objects.count()
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_context(viewport=viewport).new_page()
        page.goto("/accounts/login/")
        page.get_by_role("button", name="Se connecter avec Paroisse Saint-Seurin").click()
        at_the_provider(page, people.LUCAS_OTHER_ORGANISATION)
        refused = page.get_by_test_id("sign-on-refused")
        expect(refused).to_contain_text("appartient à une autre organisation")
        expect(refused).to_contain_text(people.LUCAS_OTHER_ORGANISATION.email)
        expect(page.locator("main")).to_contain_text("aucun compte n'a été créé")
        page.screenshot(path=artifacts / f"sign-on-refused-{name}.png", full_page=True)
        page.goto("/portal/")
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert User.objects.count() == users_before
    assert not SocialAccount.objects.exists()


def test_an_address_the_provider_did_not_verify_is_refused(
    desk, parish_sign_on, new_context: Callable[..., Any]
) -> None:
    users_before = User.objects.count()
    page = new_context(viewport=DESKTOP).new_page()
    type_address(page, people.PAUL_UNVERIFIED.email)
    at_the_provider(page, people.PAUL_UNVERIFIED)
    expect(page.get_by_test_id("sign-on-refused")).to_contain_text("n'a pas vérifié")
    assert User.objects.count() == users_before
    assert not SocialAccount.objects.exists()


def test_the_provider_pages_in_comptoir_look(
    desk, parish_sign_on, new_context: Callable[..., Any], artifacts: Path
) -> None:
    """The page before leaving for the provider, a sign-in cancelled at the provider, and
    a failed one (an answer Comptoir did not ask for), on a computer and a phone."""
    callback = "/accounts/oidc/paroisse-saint-seurin/login/callback/"
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_context(viewport=viewport).new_page()
        page.goto("/accounts/oidc/paroisse-saint-seurin/login/")
        expect(page.get_by_test_id("sign-on-continue")).to_be_visible()
        expect(page.locator("main h1")).to_have_text("Se connecter avec Paroisse Saint-Seurin")
        page.screenshot(path=artifacts / f"sign-on-continue-{name}.png", full_page=True)
        page.goto(f"{callback}?error=access_denied&state=inconnu")
        expect(page.locator("main")).to_contain_text("Vous n'êtes pas connecté")
        page.screenshot(path=artifacts / f"sign-on-failed-{name}.png", full_page=True)
    assert User.objects.filter(email__endswith="@paroisse.example").count() == 0
