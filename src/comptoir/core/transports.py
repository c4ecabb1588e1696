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


class HttpTransport(Transport):
    """POSTs ``{"url", "body" (str), "headers": {}}`` (webhooks, team chat). A 2xx answer is
    delivered; 408, 425, 429 and 5xx answers, timeouts and network errors are worth
    retrying; other 4xx answers are permanent (the receiver refuses this request). The
    payload is built, and signed if need be, when the row is written: a retry sends the
    same bytes."""

    timeout: ClassVar[float] = 10.0
    RETRY_STATUSES: ClassVar[frozenset[int]] = frozenset({408, 425, 429})

    def deliver(self, payload: dict[str, Any]) -> None:
        import urllib.error
        import urllib.request

        url = payload["url"]
        if not url.startswith(("http://", "https://")):
            raise PermanentDeliveryError(f"not an HTTP address: {url!r}")
        headers = {"Content-Type": "application/json", "User-Agent": "Comptoir"}
        headers |= dict(payload.get("headers") or {})
        body = payload["body"].encode("utf-8")
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (checked above)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                answer.read(65536)
        except urllib.error.HTTPError as exc:
            if exc.code >= 500 or exc.code in self.RETRY_STATUSES:
                raise TransientDeliveryError(f"HTTP {exc.code} from {url}") from exc
            raise PermanentDeliveryError(f"HTTP {exc.code} from {url}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise TransientDeliveryError(f"{url}: {exc}") from exc


DEFAULT_TRANSPORTS = {
    "mail": "comptoir.core.transports.MailTransport",
    "http": "comptoir.core.transports.HttpTransport",
    "push": "comptoir.push.transport.WebPushTransport",
}


def transport_for(kind: str) -> Transport:
    paths = {**DEFAULT_TRANSPORTS, **getattr(settings, "COMPTOIR_TRANSPORTS", {})}
    try:
        return import_string(paths[kind])()
    except KeyError:
        raise PermanentDeliveryError(f"no transport for outbox kind {kind!r}") from None
