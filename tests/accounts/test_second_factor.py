"""Two-factor authentication (allauth.mfa) and the administrator's policy: who must enrol
before working (a pure rule), what they may still open, the desk's "Sign-in security" page,
and the bad input: a TOTP code refused a second time, recovery codes single-use, wrong codes
throttled. The browser side (enrolment in Chromium, passkeys) is in tests/e2e/."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client

from comptoir.accounts import second_factor, security
from comptoir.accounts.models import SecurityPolicy
from comptoir.api import tokens
from tests.pages import by_testid

PASSWORD = "secret-pass-123"  # tests/factories.py
NOON = datetime(2026, 12, 7, 11, 0, 5, tzinfo=UTC)


# The rule, without a database.


@pytest.mark.parametrize(
    ("role", "required", "has_factor", "expected"),
    [
        ("agent", {"agent"}, False, True),
        ("agent", {"agent"}, True, False),
        ("agent", {"supervisor", "admin"}, False, False),
        ("supervisor", {"supervisor"}, False, True),
        ("admin", {"admin"}, False, True),
        ("admin", set(), False, False),
        ("requester", {"agent", "supervisor", "admin", "requester"}, False, False),
        ("org_admin", {"org_admin"}, False, False),
    ],
)
def test_only_a_required_staff_role_without_a_factor_must_enrol(role, required, has_factor, expected):
    assert (
        second_factor.must_enrol(role=role, required_roles=required, has_second_factor=has_factor) is expected
    )


def test_someone_who_must_enrol_still_opens_the_two_factor_pages_and_signs_out():
    for name in ("mfa_index", "mfa_activate_totp", "mfa_add_webauthn", "mfa_view_recovery_codes"):
        assert second_factor.open_before_enrolment(name)
    for name in ("account_logout", "account_reauthenticate", "set_language"):
        assert second_factor.open_before_enrolment(name)
    for name in ("queue", "ticket", "tokens", "usersessions_list", None, ""):
        assert not second_factor.open_before_enrolment(name)


# Helpers for the signed-in flows.


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    response = client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(datetime.now(UTC).timestamp()) // 30))


def enrol_totp(client: Client) -> str:
    """Sets up an authenticator app through the pages (the password confirmed first, as
    before any change to how one signs in); returns its secret."""
    asked = client.get("/accounts/2fa/totp/activate/")
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    client.post(asked["Location"], {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    assert f'value="{secret}"' in page.content.decode()  # shown to type into an app
    response = client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert response.status_code == 302, response.content.decode()
    return secret


def require(desk, **roles: bool) -> None:  # type: ignore[no-untyped-def]
    security.set_mfa_requirement(
        by=desk.admin,
        agents=roles.get("agents", False),
        supervisors=roles.get("supervisors", False),
        admins=roles.get("admins", False),
    )


# The administrator's page.


def test_the_administrator_requires_it_for_agents_on_the_desk_page(desk):
    admin = signed_in(desk.admin)
    page = admin.get("/desk/settings/security/", HTTP_ACCEPT_LANGUAGE="fr")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Sécurité de la connexion" in html
    assert "ne peut ouvrir ni la file" in html
    response = admin.post("/desk/settings/security/", {"agents": "on"})
    assert response.status_code == 302
    policy = SecurityPolicy.objects.get()
    assert (policy.mfa_for_agents, policy.mfa_for_supervisors, policy.mfa_for_admins) == (True, False, False)
    assert policy.updated_by == desk.admin
    assert security.roles_requiring_mfa() == {"agent"}
    desk.admin.language = "en"
    desk.admin.save(update_fields=["language"])
    english = admin.get("/desk/settings/security/").content.decode()
    assert "Require two-factor authentication for" in english


def test_only_an_administrator_opens_the_security_page(desk):
    for person in (desk.l1, desk.supervisor):
        assert signed_in(person).get("/desk/settings/security/").status_code == 403
    assert signed_in(desk.requester).get("/desk/settings/security/").status_code == 403
    assert SecurityPolicy.objects.count() == 0


def test_the_security_page_refuses_a_post_without_its_csrf_token(desk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk.admin, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post("/desk/settings/security/", {"agents": "on"}).status_code == 403
    assert SecurityPolicy.objects.count() == 0


# Led to enrol.


def test_an_agent_without_a_second_factor_is_led_to_enrol_and_cannot_open_the_queue(desk):
    require(desk, agents=True)
    agent = signed_in(desk.l1)
    response = agent.get("/desk/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/"
    page = agent.get("/accounts/2fa/", HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 200
    assert "Votre rôle exige la double authentification" in page.content.decode()
    assert agent.get("/desk/tickets/100001/").status_code == 302
    # Setting up a factor stays open (after confirming the password).
    assert agent.get("/accounts/2fa/totp/activate/")["Location"].startswith("/accounts/reauthenticate/")

    enrol_totp(agent)
    assert agent.get("/desk/").status_code == 200


def test_recovery_codes_alone_do_not_count_and_other_roles_are_not_concerned(desk):
    require(desk, agents=True)
    Authenticator.objects.create(
        user=desk.l1, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "0" * 80, "used_mask": 0}
    )
    assert security.must_enrol(desk.l1)
    assert signed_in(desk.supervisor).get("/desk/").status_code == 200
    assert signed_in(desk.requester).get("/portal/").status_code == 200


def test_signing_out_stays_possible_for_someone_who_must_enrol(desk):
    require(desk, agents=True)
    agent = signed_in(desk.l1)
    assert agent.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in agent.session


def test_api_tokens_keep_working_for_an_agent_who_must_enrol(desk):
    require(desk, agents=True)
    _token, text = tokens.create_token(user=desk.l1, name="Script", scope="read")
    response = Client().get("/api/v1/tickets", headers={"Authorization": f"Bearer {text}"})
    assert response.status_code == 200
    session_call = signed_in(desk.l1).get("/api/v1/tickets")
    assert session_call.status_code == 403
    assert session_call.json()["code"] == "second_factor_required"


def test_no_query_for_the_policy_beyond_the_first_when_nothing_is_required(desk, django_assert_num_queries):
    security.roles_requiring_mfa()
    with django_assert_num_queries(0):
        assert not security.must_enrol(desk.l1)


# Signing in with the second factor, and bad input.


@time_machine.travel(NOON, tick=False)
def test_an_agent_signs_in_with_the_code_and_the_same_code_is_refused_a_second_time(desk):
    agent = signed_in(desk.l1)
    secret = enrol_totp(agent)
    agent.post("/accounts/logout/")

    response = Client().post("/accounts/login/", {"login": "leaagent", "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"

    first = Client()
    first.post("/accounts/login/", {"login": "leaagent", "password": PASSWORD})
    signed = first.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert signed.status_code == 302
    assert first.get("/desk/").status_code == 200

    # The code it just used, within the same 30 seconds: refused (allauth remembers it in
    # the shared cache).
    replay = Client()
    replay.post("/accounts/login/", {"login": "leaagent", "password": PASSWORD})
    refused = replay.post(
        "/accounts/2fa/authenticate/", {"code": current_code(secret)}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert refused.status_code == 200
    assert by_testid(refused.content, "code-error")
    assert "_auth_user_id" not in replay.session
    assert replay.get("/desk/").status_code == 302


def test_a_recovery_code_works_once_and_not_twice(desk):
    agent = signed_in(desk.l1)
    enrol_totp(agent)
    codes = [li.text for li in by_testid(agent.get("/accounts/2fa/recovery-codes/").content, "recovery-code")]
    assert len(codes) == 10
    agent.post("/accounts/logout/")

    once = Client()
    once.post("/accounts/login/", {"login": "leaagent", "password": PASSWORD})
    assert once.post("/accounts/2fa/authenticate/", {"code": codes[0]}).status_code == 302
    assert once.get("/desk/").status_code == 200

    twice = Client()
    twice.post("/accounts/login/", {"login": "leaagent", "password": PASSWORD})
    refused = twice.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert refused.status_code == 200
    assert "_auth_user_id" not in twice.session
    assert twice.post("/accounts/2fa/authenticate/", {"code": codes[1]}).status_code == 302


def test_the_sixth_wrong_code_in_a_minute_is_refused_even_when_right(desk):
    agent = signed_in(desk.l1)
    secret = enrol_totp(agent)
    agent.post("/accounts/logout/")
    client = Client()
    client.post("/accounts/login/", {"login": "leaagent", "password": PASSWORD})
    for wrong in ("000000", "111111", "222222", "333333", "444444"):
        if wrong != current_code(secret):
            client.post("/accounts/2fa/authenticate/", {"code": wrong})
    response = client.post(
        "/accounts/2fa/authenticate/", {"code": current_code(secret)}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert "_auth_user_id" not in client.session
    assert re.search(r"(?i)trop de tentatives", response.content.decode())


def test_the_policy_is_also_changed_in_the_django_admin_through_the_same_service(desk):
    admin = signed_in(desk.admin)
    assert admin.get("/admin/accounts/securitypolicy/add/").status_code == 200
    response = admin.post(
        "/admin/accounts/securitypolicy/add/", {"mfa_for_supervisors": "on", "mfa_for_admins": "on"}
    )
    assert response.status_code == 302
    assert security.roles_requiring_mfa() == {"supervisor", "admin"}
    assert SecurityPolicy.objects.get().updated_by == desk.admin
    # Administrators now required: the admin, without a factor, is led to enrol.
    assert admin.get("/admin/")["Location"] == "/accounts/2fa/"
    assert admin.get("/admin/accounts/securitypolicy/add/").status_code == 302
