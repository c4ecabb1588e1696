"""A way in: sign in with the login (procedure 000's ``prenomnom``) or the e-mail address
(procedure 003), wrong passwords throttled, and "Mot de passe oublié ?" by mail through the
outbox and a real SMTP server; no answer tells whether an address has an account."""

from __future__ import annotations

import re

import pytest

from comptoir.core import outbox
from tests.pages import by_testid

PASSWORD = "secret-pass-123"  # tests/factories.py


def sign_in(client, login: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"login": login, "password": password})


def test_pierre_signs_in_with_his_login(desk, client):
    response = sign_in(client, "pierremartin")
    assert response.status_code == 302
    assert client.get("/portal/").status_code == 200


def test_the_editor_signs_in_with_her_e_mail_address_in_any_case(desk, client):
    response = sign_in(client, desk.neighbour.email.upper())
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_login_page_is_in_french_and_offers_the_password_recovery(client, db):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr")
    html = page.content.decode()
    assert "Identifiant ou adresse e-mail" in html
    assert by_testid(page.content, "forgot-password")[0].text.strip() == "Mot de passe oublié ?"
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Login or e-mail address" in english


def test_a_wrong_password_is_refused_with_a_clear_message(desk, client):
    response = sign_in(client, "pierremartin", "pas-le-bon")
    assert response.status_code == 200
    assert by_testid(response.content, "login-error")
    assert "_auth_user_id" not in client.session


def test_the_sixth_wrong_password_in_a_minute_is_refused_even_with_the_right_one(desk, client):
    for _attempt in range(5):
        sign_in(client, "pierremartin", "devine")
    response = sign_in(client, "pierremartin")
    assert response.status_code in {200, 429}
    assert "_auth_user_id" not in client.session
    assert re.search(r"(?i)trop de tentatives|too many", response.content.decode())


def test_the_administration_signs_in_through_the_same_throttled_page(desk, client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_nobody_signs_up_alone(client, db):
    response = client.get("/accounts/signup/")
    assert response.status_code in {200, 403}
    assert "signup_closed" in response.templates[0].name or response.status_code == 403


def test_sign_out_is_a_post(desk, client):
    client.force_login(desk.requester)
    assert client.get("/accounts/logout/").status_code == 200  # a page with a button
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


@pytest.fixture
def smtp_mail(smtp, settings):  # type: ignore[no-untyped-def]
    settings.COMPTOIR_BASE_URL = "http://testserver"
    return smtp


def test_a_forgotten_password_is_reset_from_the_link_received_by_mail(desk, client, smtp_mail):
    page = client.post(
        "/accounts/password/reset/", {"email": desk.requester.email}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert page.status_code == 302
    done = client.get(page["Location"], HTTP_ACCEPT_LANGUAGE="fr")
    assert by_testid(done.content, "reset-sent")
    outbox.deliver_due()
    (message,) = [r.message for r in smtp_mail.received if desk.requester.email in r.rcpt_tos]
    assert message["Subject"].startswith("Comptoir")
    assert message["Auto-Submitted"] == "auto-generated"
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", message.get_content()).group(0)
    path = link.split("testserver", 1)[1]
    form = client.get(path, follow=True)
    action = form.redirect_chain[-1][0] if form.redirect_chain else path
    changed = client.post(action, {"password1": "Nouveau-mot-2026", "password2": "Nouveau-mot-2026"})
    assert changed.status_code == 302
    assert by_testid(client.get(changed["Location"]).content, "reset-done")
    client.logout()
    assert sign_in(client, desk.requester.email, "Nouveau-mot-2026").status_code == 302
    # The link was used: it opens nothing a second time.
    again = client.get(action, follow=True)
    assert by_testid(again.content, "reset-link-invalid")


def test_an_unknown_address_gets_the_same_answer_and_no_link(desk, client, smtp_mail):
    known = client.post("/accounts/password/reset/", {"email": desk.requester.email})
    unknown = client.post("/accounts/password/reset/", {"email": "personne@inconnu.example"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    outbox.deliver_due()
    to_unknown = [r.message for r in smtp_mail.received if "personne@inconnu.example" in r.rcpt_tos]
    assert all("/accounts/password/reset/key/" not in m.get_content() for m in to_unknown)


def test_sessions_are_listed_and_signed_out_everywhere_else(desk, client, db):
    from django.test import Client

    phone = Client(HTTP_USER_AGENT="Téléphone de Pierre")
    assert sign_in(phone, "pierremartin").status_code == 302
    assert sign_in(client, "pierremartin").status_code == 302
    page = client.get("/accounts/sessions/")
    assert len(by_testid(page.content, "session")) == 2
    client.post("/accounts/sessions/")
    assert len(by_testid(client.get("/accounts/sessions/").content, "session")) == 1
    assert phone.get("/portal/")["Location"].startswith("/accounts/login/")
    assert client.get("/portal/").status_code == 200
