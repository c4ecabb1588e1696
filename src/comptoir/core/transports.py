"""The transport contract: how one outbox row leaves Comptoir.

A transport's ``deliver(payload)`` either returns (the side effect happened, or the remote
end already had it: delivery may be retried after a crash, so transports must tolerate a
duplicate call) or raises:

- ``TransientDeliveryError``: worth retrying later (network down, SMTP 4xx, HTTP 5xx);
- ``PermanentDeliveryError``: retrying cannot help (bad address, HTTP 4xx); the row fails.

Transports are chosen by kind in ``settings.COMPTOIR_TRANSPORTS`` (dotted paths); tests use
``MemoryTransport`` or the real SMTP transport against a local SMTP server.
"""

from __future__ import annotations

import smtplib
from typing import Any, ClassVar

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.module_loading import import_string


class DeliveryError(Exception):
    pass


class TransientDeliveryError(DeliveryError):
    pass


class PermanentDeliveryError(DeliveryError):
    pass


class Transport:
    def deliver(self, payload: dict[str, Any]) -> None:
        raise NotImplementedError


SETUP_ERRORS = {530, 534, 535, 538}


class MailTransport(Transport):
    """Sends ``{"to": [...], "subject", "body", "headers": {}, "from"?}`` through the
    configured mailer (``settings.MAILERS``: SMTP in production, ./var/mail files by default)."""

    def deliver(self, payload: dict[str, Any]) -> None:
        message = EmailMultiAlternatives(
            subject=payload["subject"],
            body=payload["body"],
            from_email=payload.get("from") or settings.DEFAULT_FROM_EMAIL,
            to=payload["to"],
            cc=payload.get("cc") or [],
            headers=payload.get("headers") or {},
        )
        if payload.get("html"):
            message.attach_alternative(payload["html"], "text/html")
        try:
            message.send(using=payload.get("mailer", "default"))
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _msg in exc.recipients.values()]
            if all(500 <= c < 600 for c in codes):
                raise PermanentDeliveryError(str(exc)) from exc
            raise TransientDeliveryError(str(exc)) from exc
        except smtplib.SMTPResponseException as exc:
            # Refusals caused by our own set-up (login, TLS, sender address) last only until
            # an administrator fixes it: keep the mail and retry, do not give it up.
            if isinstance(exc, smtplib.SMTPSenderRefused) or exc.smtp_code in SETUP_ERRORS:
                raise TransientDeliveryError(str(exc)) from exc
            if 500 <= exc.smtp_code < 600:
                raise PermanentDeliveryError(str(exc)) from exc
            raise TransientDeliveryError(str(exc)) from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise TransientDeliveryError(str(exc)) from exc


class MemoryTransport(Transport):
    """Keeps delivered payloads in ``MemoryTransport.sent`` (tests only)."""

    sent: ClassVar[list[dict[str, Any]]] = []

    def deliver(self, payload: dict[str, Any]) -> None:
        self.sent.append(payload)


DEFAULT_TRANSPORTS = {"mail": "comptoir.core.transports.MailTransport"}


def transport_for(kind: str) -> Transport:
    paths = {**DEFAULT_TRANSPORTS, **getattr(settings, "COMPTOIR_TRANSPORTS", {})}
    try:
        return import_string(paths[kind])()
    except KeyError:
        raise PermanentDeliveryError(f"no transport for outbox kind {kind!r}") from None
