"""Thin tasks: each calls one service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from comptoir.core import outbox


@db_task()
def deliver_outbox() -> int:
    return outbox.deliver_due()


@db_periodic_task(crontab(minute="*"))
def sweep_outbox() -> int:
    """Re-kick: delivers rows whose kick was lost and retries postponed ones."""
    return outbox.deliver_due(limit=500)
