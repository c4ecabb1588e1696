"""The HTTP transport (webhooks, team chat) against a real local HTTP server: what is
delivered, what is retried, what fails for good."""

from __future__ import annotations

import json

import pytest

from comptoir.core.transports import HttpTransport, PermanentDeliveryError, TransientDeliveryError
from tests.servers import free_port


def payload(url: str) -> dict[str, object]:
    body = json.dumps({"text": "Panne : hébergement"})
    return {"url": url, "body": body, "headers": {"X-Signature": "abc"}}


def test_a_post_is_delivered_with_its_body_and_headers(http_receiver):
    HttpTransport().deliver(payload(http_receiver.url + "/hooks/chat"))
    (request,) = http_receiver.received
    assert request.path == "/hooks/chat"
    assert json.loads(request.body) == {"text": "Panne : hébergement"}
    assert request.headers["X-Signature"] == "abc"
    assert request.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("status", [500, 503, 429, 408])
def test_server_errors_and_throttling_are_retried_later(http_receiver, status):
    http_receiver.answers.append(status)
    with pytest.raises(TransientDeliveryError, match=str(status)):
        HttpTransport().deliver(payload(http_receiver.url))
    HttpTransport().deliver(payload(http_receiver.url))
    assert len(http_receiver.received) == 1


@pytest.mark.parametrize("status", [400, 404, 410])
def test_a_refusal_is_permanent(http_receiver, status):
    http_receiver.answers.append(status)
    with pytest.raises(PermanentDeliveryError, match=str(status)):
        HttpTransport().deliver(payload(http_receiver.url))


def test_nobody_listening_is_retried_and_other_schemes_refused():
    with pytest.raises(TransientDeliveryError):
        HttpTransport().deliver(payload(f"http://127.0.0.1:{free_port()}/"))
    with pytest.raises(PermanentDeliveryError, match="not an HTTP address"):
        HttpTransport().deliver(payload("file:///etc/passwd"))
