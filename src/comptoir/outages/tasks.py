"""Thin periodic tasks: each calls one outage job."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from comptoir.outages import services


@db_periodic_task(crontab(minute="*"))
def start_planned() -> int:
    return services.start_planned()
