"""The OpenAPI schema describes what the API does: schemathesis sends generated requests
to every operation (a bounded number each), with a read-only token, a read-write token and
a requester's token, and checks that none is a server error and that every answer has a
documented status code and matches its schema."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from comptoir.api import tokens

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


def test_the_schema_lists_every_domain_and_its_errors(client):
    document = client.get("/api/openapi.json").json()
    paths = document["paths"]
    for path in (
        "/api/v1/tickets",
        "/api/v1/tickets/{number}",
        "/api/v1/tickets/{number}/replies",
        "/api/v1/tickets/{number}/attachments",
        "/api/v1/tickets/{number}/sla",
        "/api/v1/users",
        "/api/v1/organisations",
        "/api/v1/products",
        "/api/v1/duty",
    ):
        assert path in paths
    responses = paths["/api/v1/tickets"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "409", "422"} <= set(responses)
    schemes = document["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


# Whose token, and its scope.
TOKENS = {
    "read_only": ("supervisor", "read"),
    "read_write": ("supervisor", "write"),
    "requester": ("requester", "write"),
}


@pytest.fixture(params=list(TOKENS))
def bearer(request, desk):  # type: ignore[no-untyped-def]
    # Requests go straight to the WSGI application: keep the test's connection (and its
    # transaction) open between them, as Django's test client does.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    ticket = desk.open(product=desk.product)
    persona, scope = TOKENS[request.param]
    _token, text = tokens.create_token(user=getattr(desk, persona), name="schemathesis", scope=scope)
    yield {"Authorization": f"Bearer {text}", "number": ticket.number}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_generated_requests_get_documented_answers(case, bearer):
    headers = {"Authorization": bearer["Authorization"]}
    case.call_and_validate(
        headers=headers, checks=[not_a_server_error, status_code_conformance, response_schema_conformance]
    )


def test_the_docs_page_serves_its_own_files_without_a_cdn(client, desk):
    client.force_login(desk.supervisor)
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
