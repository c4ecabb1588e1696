"""EMAIL_URL: one setting for outbound mail."""

from __future__ import annotations

import pytest

from comptoir.core.mailers import MailerURLError, mailers_from_url


def test_smtp_with_starttls_and_a_password_with_special_characters():
    mailers = mailers_from_url("smtp://support%40paroisse.fr:p%40ss%3Aword@smtp.example.org:587")
    assert mailers["default"]["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailers["default"]["OPTIONS"] | {} == {
        "host": "smtp.example.org",
        "port": 587,
        "username": "support@paroisse.fr",
        "password": "p@ss:word",
        "use_ssl": False,
        "use_tls": True,
        "timeout": 30,
    }


def test_smtps_and_plain_relay_defaults():
    assert mailers_from_url("smtps://u:p@mx.example.org")["default"]["OPTIONS"]["port"] == 465
    relay = mailers_from_url("smtp+plain://127.0.0.1")["default"]["OPTIONS"]
    assert (relay["port"], relay["use_tls"], relay["use_ssl"]) == (25, False, False)


def test_brevo_goes_through_anymail_with_its_key():
    mailers = mailers_from_url("brevo://xkeysib-123")
    assert mailers["default"] == {
        "BACKEND": "anymail.backends.brevo.EmailBackend",
        "OPTIONS": {"api_key": "xkeysib-123"},
    }


def test_the_embedded_default_keeps_mail_in_files(tmp_path):
    mailers = mailers_from_url(f"file://{tmp_path}")
    assert mailers["default"]["OPTIONS"]["file_path"] == str(tmp_path)


@pytest.mark.parametrize(
    ("url", "message"),
    [("smtp://", "needs a host"), ("brevo://", "API key"), ("gopher://x", "unknown scheme")],
)
def test_bad_urls_say_what_is_wrong(url, message):
    with pytest.raises(MailerURLError, match=message):
        mailers_from_url(url)
