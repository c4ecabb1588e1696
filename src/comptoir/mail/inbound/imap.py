"""IMAP polling: read the mailbox's folder past the last UID seen, hand each mail to the
pipeline, then move it to the "processed" folder. The UID watermark survives restarts;
when the server's UIDVALIDITY changes, the folder is read again from the start and the
Message-ID de-duplication keeps it harmless."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field

from imap_tools import MailBox, MailBoxUnencrypted
from imap_tools.errors import MailboxFolderCreateError

from comptoir.mail.inbound.pipeline import Outcome, TemporaryFailure, receive
from comptoir.mail.models import InboundMail, Mailbox

log = logging.getLogger(__name__)


@dataclass
class PollReport:
    mailbox: str
    read: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    error: str = ""


def _connect(mailbox: Mailbox) -> MailBox | MailBoxUnencrypted:
    cls = MailBox if mailbox.imap_ssl else MailBoxUnencrypted
    return cls(mailbox.imap_host, port=mailbox.imap_port, timeout=30)


def _raw(client, uid: str) -> bytes | None:  # type: ignore[no-untyped-def]
    typ, data = client.uid("FETCH", uid, "(BODY.PEEK[])")
    if typ != "OK":
        return None
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return bytes(item[1])
    return None


def poll(mailbox: Mailbox, *, limit: int = 500) -> PollReport:
    """Read up to ``limit`` new mails of one mailbox. Temporary failures (server down,
    database down) stop the poll; the mails stay on the server for the next one."""
    report = PollReport(mailbox=mailbox.address)
    try:
        with _connect(mailbox).login(
            mailbox.imap_username, mailbox.imap_password, initial_folder=mailbox.imap_folder
        ) as box:
            validity = int(box.folder.status(mailbox.imap_folder, ["UIDVALIDITY"])["UIDVALIDITY"])
            if mailbox.imap_uid_validity != validity:
                mailbox.imap_uid_validity, mailbox.imap_last_uid = validity, 0
                mailbox.save(update_fields=["imap_uid_validity", "imap_last_uid"])
            uids = sorted(
                int(u)
                for u in box.uids(f"UID {mailbox.imap_last_uid + 1}:*")
                if int(u) > mailbox.imap_last_uid
            )[:limit]
            if uids and not box.folder.exists(mailbox.imap_done_folder):
                with contextlib.suppress(MailboxFolderCreateError):  # created meanwhile elsewhere
                    box.folder.create(mailbox.imap_done_folder)
            for uid in uids:
                raw = _raw(box.client, str(uid))
                if raw is None:
                    break
                report.outcomes.append(receive(raw, source=InboundMail.Source.IMAP, mailbox=mailbox))
                report.read += 1
                # The mail is stored: move it out of the way, then advance the watermark.
                box.move(str(uid), mailbox.imap_done_folder)
                mailbox.imap_last_uid = uid
                mailbox.save(update_fields=["imap_last_uid"])
    except TemporaryFailure as exc:
        report.error = str(exc)
    except OSError as exc:
        report.error = f"{type(exc).__name__}: {exc}"
        log.warning("IMAP poll failed", extra={"mailbox": mailbox.address, "error": report.error})
    except Exception as exc:  # imap_tools raises its own errors for refused logins etc.
        report.error = f"{type(exc).__name__}: {exc}"
        log.warning("IMAP poll failed", extra={"mailbox": mailbox.address, "error": report.error})
    return report


def poll_all() -> list[PollReport]:
    return [poll(m) for m in Mailbox.objects.filter(is_active=True).exclude(imap_host="")]
