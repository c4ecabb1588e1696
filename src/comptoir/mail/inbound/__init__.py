"""Inbound mail: three doors (IMAP polling, an LMTP receiver, a pipe) and one pipeline."""
