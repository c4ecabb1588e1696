from __future__ import annotations

from collections.abc import Iterator

import pytest

from comptoir.webhooks import subscriptions


@pytest.fixture(autouse=True)
def _fresh_webhook_listeners() -> Iterator[None]:
    """Webhook subscriptions are cached per process; each test starts afresh."""
    subscriptions.reset()
    yield
    subscriptions.reset()
