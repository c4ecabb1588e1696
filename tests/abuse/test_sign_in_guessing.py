"""No brake on sign-in guessing was finding 5: 40 wrong passwords in 18 s, then the right
one, signed in — on the sign-in page and on /admin/login/. Now the 6th attempt in a minute
for one account is refused, even with the right password, with a page in Comptoir's words;
/admin/login/ signs in through that same page only."""

from __future__ import annotations

import pytest

PASSWORD = "secret-pass-123"  # tests/factories.py


def guess(client, page: str, password: str):  # type: ignore[no-untyped-def]
    form = {"login": "admin", "username": "admin", "password": password}
    return client.post(page, form, follow=True, HTTP_ACCEPT_LANGUAGE="fr")


@pytest.mark.django_db
def test_forty_wrong_passwords_then_the_right_one_signs_nobody_in(desk, client):
    for n in range(40):
        guess(client, "/accounts/login/", f"devine-{n}")
    answer = guess(client, "/accounts/login/", PASSWORD)
    assert "_auth_user_id" not in client.session
    assert answer.status_code in {200, 429}
    assert "Trop de tentatives" in answer.content.decode()  # in Comptoir's words and language


@pytest.mark.django_db
def test_the_administration_has_no_sign_in_of_its_own_to_guess_on(desk, client):
    for n in range(40):
        guess(client, "/admin/login/", f"devine-{n}")
    answer = guess(client, "/admin/login/", PASSWORD)
    assert "_auth_user_id" not in client.session  # a POST there signs nobody in
    assert answer.redirect_chain[-1][0].startswith("/accounts/login/")
