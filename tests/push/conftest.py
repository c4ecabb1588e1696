from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.push.push_service import PushService
from tests.servers import free_port


@pytest.fixture
def push_service() -> Iterator[PushService]:
    """A local push service (a real HTTP server) that decrypts what it receives."""
    service = PushService(port=free_port())
    service.start()
    yield service
    service.stop()
