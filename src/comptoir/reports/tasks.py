"""Thin periodic tasks: each runs one reports job."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from comptoir.reports import facts, monthly


@db_periodic_task(crontab(minute="*/5"))
def refresh_report_facts() -> int:
    """The facts of the tickets changed since the last run, and their days' roll-ups."""
    return facts.refresh()


@db_periodic_task(crontab(minute="15", hour="6"))
def send_monthly_reports() -> int:
    """Last month's report to supervisors and organisation admins (once per month and scope)."""
    return monthly.send_due()
