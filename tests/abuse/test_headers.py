"""Security headers: every HTML page carries a Content-Security-Policy whose scripts need
Comptoir's origin or the request's nonce; in production, plain HTTP is redirected to HTTPS
(the load balancer's /healthz excepted) and HTTPS answers carry HSTS; behind a TLS proxy the
header it sets is trusted only when configured; absolute URLs follow the configured address.
(The production server itself is checked in tests/e2e/test_production_mode.py.)"""

from __future__ import annotations

import re

import pytest


@pytest.mark.django_db
def test_every_page_has_a_content_security_policy_without_inline_scripts(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["script-src"].split()[0] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]


@pytest.mark.django_db
def test_no_page_carries_an_inline_event_handler(desk, client):
    client.force_login(desk.supervisor)
    for path in ("/desk/", "/desk/duty/", "/accounts/login/", "/status/", "/kb/"):
        html = client.get(path, follow=True).content.decode()
        assert not re.search(r'\son[a-z]+="', html), path
        assert "javascript:" not in html, path


@pytest.mark.django_db
def test_production_redirects_plain_http_and_sends_hsts_over_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = client.get("/accounts/login/")
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    assert client.get("/healthz").status_code in {200, 503}  # the probe is not redirected
    secure = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000"
