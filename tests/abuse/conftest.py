"""Hostile input and faults. The LMTP receiver's fixtures are the e-mail channel's own."""

from tests.mailservers.conftest import lmtp_mailbox, lmtp_server

__all__ = ["lmtp_mailbox", "lmtp_server"]
