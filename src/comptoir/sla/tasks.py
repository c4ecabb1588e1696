"""Thin periodic tasks: each calls one SLA job."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from comptoir.sla import scan


@db_periodic_task(crontab(minute="*"))
def sla_scan() -> tuple[int, int]:
    return scan.mark_breaches(), scan.send_warnings()
