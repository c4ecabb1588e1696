"""Thin tasks: each calls one service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from comptoir.campaigns import sending
from comptoir.core.clock import now as clock_now


@db_task()
def send_campaign(campaign_id: int) -> None:
    """Send the campaign's due batches; come back when the rate limit allows the next."""
    next_at = sending.run(campaign_id=campaign_id)
    if next_at is not None:
        delay = max((next_at - clock_now()).total_seconds(), 0.0)
        send_campaign.schedule((campaign_id,), delay=delay)


@db_periodic_task(crontab(minute="*"))
def sweep_campaigns() -> None:
    """Starts scheduled campaigns and resumes any whose kick was lost or whose consumer died."""
    for campaign_id in sending.start_due(at=clock_now()):
        send_campaign(campaign_id)
