"""How a campaign's mails leave: one connection to the mailer for a whole batch.

The contract (``CampaignMailer``): used as a context manager around a batch; ``send``
either returns (the server accepted the mail) or raises

- ``Bounced``: the server refused the address for good (SMTP 5xx on RCPT): the recipient
  is marked bounced and never retried;
- ``PermanentDeliveryError``: this mail cannot be sent (refused content);
- ``TransientDeliveryError``: worth retrying later (server down, 4xx, timeout); the
  connection is dropped and opened again for the next mail.

Chosen by ``settings.COMPTOIR_CAMPAIGN_MAILER`` (a dotted path; the default goes through
Django's configured mailer, ``settings.MAILERS``, like the outbox).
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
from email.utils import parseaddr
from types import TracebackType
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import mailers
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.utils.module_loading import import_string

from comptoir.core.transports import SETUP_ERRORS, PermanentDeliveryError, TransientDeliveryError

if TYPE_CHECKING:
    from comptoir.campaigns.rendering import Mail


class Bounced(PermanentDeliveryError):
    pass


class CampaignMailer:
    def __enter__(self) -> CampaignMailer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def send(self, mail: Mail) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class DjangoMailer(CampaignMailer):
    """Through ``settings.MAILERS["default"]`` (SMTP, an ESP's API, files), keeping the
    connection open between the mails of a batch."""

    alias = "default"

    def __init__(self) -> None:
        self.connection: Any = None

    def _open(self) -> Any:
        if self.connection is None:
            self.connection = mailers[self.alias]
            self.connection.open()
            sock = getattr(getattr(self.connection, "connection", None), "sock", None)
            if sock is not None:
                # smtplib writes a mail's end in small pieces: without this, Nagle's
                # algorithm and the server's delayed ACK hold each mail ~40 ms.
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            # A broken connection is being dropped anyway.
            with contextlib.suppress(Exception):
                self.connection.close()
            self.connection = None

    def send(self, mail: Mail) -> None:
        connection = self._open()
        smtp = getattr(connection, "connection", None) if isinstance(connection, SmtpBackend) else None
        try:
            if smtp is not None and mail.to.isascii():
                # Straight to the open SMTP session: the message is built once, cheaply.
                smtp.sendmail(parseaddr(settings.DEFAULT_FROM_EMAIL)[1], [mail.to], mail.as_bytes())
            else:  # an ESP's API, files, memory (tests): through Django's EmailMessage
                connection.send_messages([mail.message()])
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _msg in exc.recipients.values()]
            if codes and all(500 <= c < 600 for c in codes):
                raise Bounced(str(exc)) from exc
            raise TransientDeliveryError(str(exc)) from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            if isinstance(exc, smtplib.SMTPSenderRefused) or exc.smtp_code in SETUP_ERRORS:
                raise TransientDeliveryError(str(exc)) from exc
            if 500 <= exc.smtp_code < 600:
                raise PermanentDeliveryError(str(exc)) from exc
            raise TransientDeliveryError(str(exc)) from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            self.close()
            raise TransientDeliveryError(str(exc)) from exc


def campaign_mailer() -> CampaignMailer:
    path = getattr(settings, "COMPTOIR_CAMPAIGN_MAILER", "comptoir.campaigns.delivery.DjangoMailer")
    return import_string(path)()
