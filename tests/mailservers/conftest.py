"""The e-mail channel against real servers: Dovecot (IMAP), Comptoir's LMTP receiver and an
SMTP server that keeps what Comptoir sends.

Dovecot is Debian's ``dovecot-imapd`` (``scripts/run-tests.sh`` installs it when it is
missing; COMPTOIR_DOVECOT names another binary). Without it, the IMAP tests (marked
``imap``) are deselected with a warning on a workstation, and fail under CI=true, where they
are mandatory.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from comptoir.mail.inbound import lmtp
from comptoir.mail.models import Mailbox
from tests.mailservers.dovecot import Dovecot, dovecot_path
from tests.mailservers.mails import SUPPORT
from tests.servers import free_port

NO_DOVECOT = (
    "no Dovecot for the IMAP tests: COMPTOIR_DOVECOT is unset and no dovecot binary is installed "
    "(install Debian's dovecot-imapd: apt-get install dovecot-imapd)"
)
_deselected_warning = pytest.StashKey[str]()


def on_ci() -> bool:
    return os.environ.get("CI") == "true"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """No Dovecot on a workstation: deselect the IMAP tests and say so loudly. On CI they
    stay selected, and the ``dovecot_server`` fixture fails them."""
    if dovecot_path() is not None or on_ci():
        return
    dropped = [item for item in items if item.get_closest_marker("imap")]
    if not dropped:
        return
    config.hook.pytest_deselected(items=dropped)
    items[:] = [item for item in items if not item.get_closest_marker("imap")]
    message = f"WARNING: {len(dropped)} IMAP test(s) deselected: {NO_DOVECOT}."
    config.stash[_deselected_warning] = message
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(message, yellow=True, bold=True)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    message = config.stash.get(_deselected_warning, None)
    if message:
        terminalreporter.write_line(message, yellow=True, bold=True)


# -- Dovecot ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[Dovecot]:
    """One Dovecot process for the session."""
    binary = dovecot_path()
    if binary is None:
        # Only reachable on CI: elsewhere the collection hook deselected the tests.
        pytest.fail(f"CI=true and {NO_DOVECOT}: the IMAP tests are mandatory.", pytrace=False)
    server = Dovecot(binary=binary)
    try:
        server.start()
    except (OSError, RuntimeError) as exc:
        pytest.fail(f"Dovecot ({binary}) could not start: {exc}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def dovecot(dovecot_server: Dovecot) -> Dovecot:
    """The session's Dovecot with an emptied account."""
    dovecot_server.reset()
    return dovecot_server


@pytest.fixture
def imap_mailbox(desk, dovecot: Dovecot) -> Mailbox:
    """support@ read over IMAP from Dovecot, its processed mail moved to "Comptoir"."""
    return Mailbox.objects.create(
        name="Support",
        address=SUPPORT,
        product=desk.product,
        imap_host="127.0.0.1",
        imap_port=dovecot.port,
        imap_ssl=False,
        imap_username=dovecot.user,
        imap_password=dovecot.password,
    )


# -- SMTP ------------------------------------------------------------------------------


# -- LMTP ------------------------------------------------------------------------------


@pytest.fixture
def lmtp_server() -> Iterator[lmtp.LMTPController]:
    """Comptoir's LMTP receiver on a free port, as ``comptoir`` starts it for an MTA."""
    controller = lmtp.serve("127.0.0.1", free_port())
    yield controller
    # The receiver works in asgiref's thread for sync code; its database connection would
    # outlive the test (and keep PostgreSQL from dropping the test database at the end).
    close = sync_to_async(connections.close_all)
    asyncio.run_coroutine_threadsafe(close(), controller.loop).result(timeout=10)
    controller.stop()


@pytest.fixture
def lmtp_mailbox(desk) -> Mailbox:
    """support@ delivered to Comptoir by the MTA over LMTP (no IMAP)."""
    return Mailbox.objects.create(name="Support", address=SUPPORT, product=desk.product)
