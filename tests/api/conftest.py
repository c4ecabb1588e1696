"""Calling the API as the personas do: each with a personal token (``api_as``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from comptoir.accounts import eligibility
from comptoir.api import tokens
from comptoir.webhooks import subscriptions


@pytest.fixture(autouse=True)
def _fresh_webhook_listeners() -> Iterator[None]:
    """Webhook subscriptions and eligibility rules are cached per process; each test
    starts afresh."""
    subscriptions.reset()
    eligibility.reset()
    yield
    subscriptions.reset()
    eligibility.reset()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


@dataclass
class Api:
    """A client sending ``Authorization: Bearer <token>`` on every call."""

    client: Client
    token: str

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self._headers())

    def post(self, path: str, data: dict[str, Any] | None = None) -> Any:
        return self.client.post(path, data or {}, content_type="application/json", headers=self._headers())

    def upload(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(path, data, headers=self._headers())


@pytest.fixture
def api_as(db: None):  # type: ignore[no-untyped-def]
    """``api_as(user, scope="write")``: a fresh client with a new token of that user."""

    def make(user: Any, scope: str = "write") -> Api:
        _token, text = tokens.create_token(user=user, name="Tests", scope=scope)
        return Api(Client(), text)

    return make
