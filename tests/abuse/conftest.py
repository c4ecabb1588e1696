"""Hostile input and faults. The LMTP receiver's and the API's fixtures are their own."""

from tests.api.conftest import api_as
from tests.mailservers.conftest import lmtp_mailbox, lmtp_server

__all__ = ["api_as", "lmtp_mailbox", "lmtp_server"]
