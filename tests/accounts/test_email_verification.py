"""Procedure 003: a customer obtains their identifier (the e-mail) and password "après
validation de votre adresse de messagerie". Where the organisation asks for it, the first
password sign-in waits for the address to be confirmed from a mail (read from a real SMTP
server); elsewhere, and for anyone who already came through a link mailed to them, the
sign-in goes straight in."""

from __future__ import annotations

import re

import pytest

from comptoir.accounts import addresses, follow_links
from comptoir.core import outbox
from tests.pages import by_testid

PASSWORD = "secret-pass-123"  # tests/factories.py


@pytest.fixture
def verifying(desk, settings, smtp):  # type: ignore[no-untyped-def]
    """Mairie de Villeneuve (procedure 003) verifies its requesters' addresses."""
    settings.COMPTOIR_BASE_URL = "http://testserver"
    desk.customer.verify_email = True
    desk.customer.save(update_fields=["verify_email"])
    return desk


def sign_in(client, login: str, password: str = PASSWORD, language: str = "fr"):  # type: ignore[no-untyped-def]
    credentials = {"login": login, "password": password}
    return client.post("/accounts/login/", credentials, HTTP_ACCEPT_LANGUAGE=language)


def mails_to(smtp, address: str) -> list:  # type: ignore[type-arg]
    outbox.deliver_due()
    return [r.message for r in smtp.received if address in r.rcpt_tos]


def test_the_first_password_sign_in_waits_for_the_address_to_be_confirmed(verifying, client, smtp):
    lucas = verifying.neighbour  # English-speaking, Mairie de Villeneuve
    response = sign_in(client, lucas.email)
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert by_testid(page.content, "verification-sent")

    (mail,) = mails_to(smtp, lucas.email)
    assert mail["Subject"] == "Comptoir: Confirm your e-mail address"  # his language, not the page's
    assert mail["Auto-Submitted"] == "auto-generated"
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.get_content())
    assert link is not None, mail.get_content()

    confirm = client.get(link.group(1))
    assert by_testid(confirm.content, "confirm-email")  # a button: mail scanners confirm nothing
    assert "_auth_user_id" not in client.session
    done = client.post(link.group(1))
    assert done.status_code == 302
    assert client.session["_auth_user_id"] == str(lucas.pk)  # signed in by confirming

    client.logout()
    smtp.received.clear()
    assert sign_in(client, lucas.username).status_code == 302
    assert client.session["_auth_user_id"] == str(lucas.pk)  # no second confirmation
    assert mails_to(smtp, lucas.email) == []


def test_the_login_works_as_well_as_the_address(verifying, client, smtp):
    lucas = verifying.neighbour
    sign_in(client, lucas.username)
    assert "_auth_user_id" not in client.session
    assert len(mails_to(smtp, lucas.email)) == 1


def test_a_wrong_password_sends_nothing(verifying, client, smtp):
    response = sign_in(client, verifying.neighbour.email, "pas-le-bon")
    assert by_testid(response.content, "login-error")
    assert mails_to(smtp, verifying.neighbour.email) == []


def test_other_organisations_and_the_team_sign_in_straight_away(verifying, client):
    assert sign_in(client, "pierremartin").status_code == 302  # the parish does not verify
    assert client.session["_auth_user_id"] == str(verifying.requester.pk)
    client.logout()
    verifying.l1.organisation = verifying.customer
    verifying.l1.save(update_fields=["organisation"])
    assert sign_in(client, "leaagent").status_code == 302
    assert client.session["_auth_user_id"] == str(verifying.l1.pk)


def test_someone_who_came_by_a_request_link_is_not_asked_again(verifying, client):
    lucas = verifying.neighbour
    assert addresses.must_confirm(lucas)
    token = follow_links.make(lucas, 1)
    client.post(f"/portal/follow/{token}/")
    assert client.session["_auth_user_id"] == str(lucas.pk)
    assert not addresses.must_confirm(lucas)
    client.logout()
    assert sign_in(client, lucas.email).status_code == 302
    assert client.session["_auth_user_id"] == str(lucas.pk)


def test_a_password_chosen_from_a_reset_mail_confirms_the_address(verifying, client, smtp):
    lucas = verifying.neighbour
    client.post("/accounts/password/reset/", {"email": lucas.email})
    (mail,) = mails_to(smtp, lucas.email)
    path = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.get_content()).group(1)
    form = client.get(path, follow=True)
    action = form.redirect_chain[-1][0] if form.redirect_chain else path
    client.post(action, {"password1": "Villeneuve-2026-mairie", "password2": "Villeneuve-2026-mairie"})
    assert not addresses.must_confirm(lucas)
    assert sign_in(client, lucas.email, "Villeneuve-2026-mairie").status_code == 302
    assert client.session["_auth_user_id"] == str(lucas.pk)


def test_a_broken_confirmation_link_says_so(verifying, client):
    page = client.get("/accounts/confirm-email/pas-une-clef/", HTTP_ACCEPT_LANGUAGE="fr")
    assert by_testid(page.content, "confirmation-invalid")
    assert "Ce lien ne fonctionne plus" in page.content.decode()
