"""Thin periodic task: read the IMAP mailboxes."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from comptoir.mail.inbound.imap import poll_all


@db_periodic_task(crontab(minute="*"))
def poll_mailboxes() -> int:
    # One poll at a time: a slow server must not make two pollers read the same UIDs.
    with lock_task("poll-mailboxes"):
        return sum(r.read for r in poll_all())
