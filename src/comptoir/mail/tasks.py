"""Thin tasks: read the IMAP mailboxes; process the mails the LMTP receiver stored."""

from __future__ import annotations

from datetime import timedelta

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from comptoir.mail.inbound import pipeline
from comptoir.mail.inbound.imap import poll_all

# A stored mail not processed within this time is taken up by the sweep.
WAITING_FOR = timedelta(minutes=2)


@db_periodic_task(crontab(minute="*"))
def poll_mailboxes() -> int:
    # One poll at a time: a slow server must not make two pollers read the same UIDs.
    with lock_task("poll-mailboxes"):
        return sum(r.read for r in poll_all())


@db_task(retries=3, retry_delay=30)
def process_inbound(pk: int) -> None:
    pipeline.process_stored(pk)


@db_periodic_task(crontab(minute="*"))
def process_waiting_mails() -> int:
    with lock_task("process-waiting-mails"):
        return pipeline.process_waiting(older_than=WAITING_FOR)
