"""Thin periodic tasks: each runs one automation."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from comptoir.workflow import automations


@db_periodic_task(crontab(minute="*/15"))
def run_automations() -> tuple[int, int, int]:
    return automations.remind_pending(), automations.resolve_silent(), automations.close_resolved()
