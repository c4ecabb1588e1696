"""Hostile input and faults. The LMTP receiver's and the API's fixtures are their own.

``lost_mails`` counts, over the fault cases, the distinct mails each test delivered and the
mails Comptoir kept; the run ends with the total ("0 lost")."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from comptoir.mail.models import InboundMail
from tests.api.conftest import api_as
from tests.mailservers.conftest import lmtp_mailbox, lmtp_server

__all__ = ["api_as", "lmtp_mailbox", "lmtp_server"]

_TALLY = pytest.StashKey[list[tuple[str, int, int]]]()


class Tally:
    def __init__(self) -> None:
        self.delivered = 0

    def sent(self, distinct: int = 1) -> None:
        """``distinct`` different mails were handed to Comptoir (re-deliveries not counted)."""
        self.delivered += distinct


@pytest.fixture
def lost_mails(request: pytest.FixtureRequest) -> Iterator[Tally]:
    tally = Tally()
    yield tally
    kept = InboundMail.objects.count()
    request.config.stash.setdefault(_TALLY, []).append((request.node.name, tally.delivered, kept))
    assert kept >= tally.delivered, f"{tally.delivered - kept} mail(s) lost"


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:  # type: ignore[no-untyped-def]
    rows = config.stash.get(_TALLY, [])
    if not rows:
        return
    delivered = sum(d for _n, d, _k in rows)
    kept = sum(min(k, d) for _n, d, k in rows)
    terminalreporter.write_line(
        f"Fault cases: {delivered} distinct mails delivered in {len(rows)} tests, {kept} kept, "
        f"{delivered - kept} lost."
    )
