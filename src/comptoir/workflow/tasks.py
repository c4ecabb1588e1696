"""Thin periodic tasks: each runs one automation."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from comptoir.workflow import automations, digest_delivery


@db_periodic_task(crontab(minute="*/15"))
def run_automations() -> tuple[int, int, int]:
    return automations.remind_pending(), automations.resolve_silent(), automations.close_resolved()


@db_periodic_task(crontab(minute="*"))
def send_digests() -> int:
    """Procedure 003's periodic review: each minute, sends the reviews whose time has come
    (once per scope and day, see ``digest_delivery``)."""
    return digest_delivery.send_due()
