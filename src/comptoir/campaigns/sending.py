"""The campaign sender: batches claimed in the database, at most
``COMPTOIR_CAMPAIGN_RATE`` mails a minute, surviving a consumer killed mid-campaign.

Two claims, both conditional UPDATEs (CONVENTIONS §7), so any number of consumers may run:

1. the campaign's *slot*: ``next_batch_at`` is moved a lease ahead by the consumer whose
   UPDATE matched; it alone sends the next batch, which is what makes the rate hold;
2. the batch's recipients: their ``due_at`` is moved a lease ahead and they carry the
   batch's token; each mail is marked sent, in its own statement, right after the server
   accepted it, and only while the token is still the batch's.

A consumer killed mid-batch leaves its unsent recipients claimed until the lease ends;
the next run sends them, and only them: every remaining message once, none twice. (The
one mail in flight when the process died — accepted by the server, not yet marked — may
go twice: the transport contract allows it; it carries the same Message-ID.) A batch
stops before its lease runs out, so a slow consumer never races the next one. Memory stays
flat: a batch holds at most ``COMPTOIR_CAMPAIGN_BATCH`` rows.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Min

from comptoir.campaigns import audiences, rendering
from comptoir.campaigns.delivery import Bounced, campaign_mailer
from comptoir.campaigns.models import Campaign, Recipient, Unsubscription
from comptoir.core.clock import now as clock_now
from comptoir.core.outbox import backoff
from comptoir.core.transports import PermanentDeliveryError, TransientDeliveryError

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def lease() -> timedelta:
    """How long a claim holds (``COMPTOIR_CAMPAIGN_LEASE`` seconds, 5 minutes by default):
    after a crash, the campaign resumes this much later."""
    return timedelta(seconds=int(getattr(settings, "COMPTOIR_CAMPAIGN_LEASE", 300)))


def margin() -> timedelta:
    """A batch stops sending this long before its lease ends: no one else may have its rows yet."""
    return min(timedelta(seconds=30), lease() / 4)


def rate_per_minute() -> int:
    return int(getattr(settings, "COMPTOIR_CAMPAIGN_RATE", 600))


def batch_size() -> int:
    size = int(getattr(settings, "COMPTOIR_CAMPAIGN_BATCH", 100))
    rate = rate_per_minute()
    return max(1, min(size, rate) if rate > 0 else size)


@dataclass(frozen=True)
class BatchResult:
    claimed: bool
    sent: int = 0
    failed: int = 0
    next_at: datetime | None = None  # None: nothing more to send (finished, cancelled or not ours)


def _claim_slot(campaign_id: int, at: datetime) -> bool:
    # Only the consumer whose UPDATE matches sends this campaign's next batch.
    return bool(
        Campaign.objects.filter(pk=campaign_id, state=Campaign.State.SENDING, next_batch_at__lte=at).update(
            next_batch_at=at + lease()
        )
    )


def _claim_recipients(campaign: Campaign, at: datetime, token: str) -> list[Recipient]:
    due = list(
        Recipient.objects.filter(campaign=campaign, state=Recipient.State.QUEUED, due_at__lte=at)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[: batch_size()]
    )
    if not due:
        return []
    Recipient.objects.filter(pk__in=due, state=Recipient.State.QUEUED, due_at__lte=at).update(
        due_at=at + lease(), claim=token
    )
    return list(
        Recipient.objects.filter(pk__in=due, claim=token, state=Recipient.State.QUEUED)
        .only("pk", "email", "name", "language", "values", "attempts")
        .order_by("pk")
    )


def _mark(recipient: Recipient, token: str, **fields: object) -> None:
    Recipient.objects.filter(pk=recipient.pk, claim=token).update(claim="", **fields)


def send_batch(*, campaign_id: int, at: datetime) -> BatchResult:
    """Send one batch of the campaign if its slot is due and this consumer wins it."""
    if not _claim_slot(campaign_id, at):
        return BatchResult(claimed=False)
    campaign = Campaign.objects.get(pk=campaign_id)
    if not campaign.audience_ready:
        total = audiences.materialise(campaign, at=at)
        Campaign.objects.filter(pk=campaign.pk).update(audience_ready=True, total=total)
    token = uuid.uuid4().hex
    recipients = _claim_recipients(campaign, at, token)
    if campaign.is_newsletter and recipients:
        # Someone may have unsubscribed since the campaign started.
        gone = set(
            Unsubscription.objects.filter(key__in=[r.email for r in recipients]).values_list("key", flat=True)
        )
        for r in (r for r in recipients if r.email in gone):
            _mark(r, token, state=Recipient.State.UNSUBSCRIBED)
        recipients = [r for r in recipients if r.email not in gone]
    sent = failed = attempted = 0
    deadline = at + lease() - margin()
    with campaign_mailer() as mailer:
        for recipient in recipients:
            if clock_now() >= deadline:
                break
            attempted += 1
            mail = rendering.compose(
                campaign,
                email=recipient.email,
                name=recipient.name,
                language=recipient.language,
                values=recipient.values,
                recipient_id=recipient.pk,
            )
            try:
                mailer.send(mail)
            except Bounced as exc:
                failed += 1
                _mark(
                    recipient,
                    token,
                    state=Recipient.State.BOUNCED,
                    attempts=F("attempts") + 1,
                    error=str(exc),
                )
            except PermanentDeliveryError as exc:
                failed += 1
                _mark(
                    recipient, token, state=Recipient.State.FAILED, attempts=F("attempts") + 1, error=str(exc)
                )
            except (TransientDeliveryError, Exception) as exc:  # unknown errors are retried too
                attempts = recipient.attempts + 1
                if attempts >= MAX_ATTEMPTS:
                    failed += 1
                    _mark(recipient, token, state=Recipient.State.FAILED, attempts=attempts, error=str(exc))
                else:
                    _mark(
                        recipient,
                        token,
                        attempts=attempts,
                        error=str(exc),
                        due_at=clock_now() + backoff(attempts),
                    )
                log.info("campaign mail postponed", extra={"campaign_id": campaign.pk, "error": str(exc)})
            else:
                sent += 1
                _mark(
                    recipient,
                    token,
                    state=Recipient.State.SENT,
                    attempts=F("attempts") + 1,
                    sent_at=clock_now(),
                    error="",
                )
    # Rows this batch did not reach are free again at once (a crash frees them at the lease).
    Recipient.objects.filter(campaign=campaign, claim=token, state=Recipient.State.QUEUED).update(
        claim="", due_at=at
    )
    return BatchResult(claimed=True, sent=sent, failed=failed, next_at=_after_batch(campaign, at, attempted))


def _after_batch(campaign: Campaign, at: datetime, attempted: int) -> datetime | None:
    """Finish the campaign, or set when its next batch is due (the rate limit)."""
    left = Recipient.objects.filter(campaign=campaign, state=Recipient.State.QUEUED)
    earliest = left.aggregate(earliest=Min("due_at"))["earliest"]
    if earliest is None:
        Campaign.objects.filter(pk=campaign.pk, state=Campaign.State.SENDING).update(
            state=Campaign.State.DONE, finished_at=clock_now(), next_batch_at=None
        )
        return None
    rate = rate_per_minute()
    next_at = at + timedelta(seconds=60 * attempted / rate) if rate > 0 else at
    next_at = max(next_at, earliest)
    updated = Campaign.objects.filter(pk=campaign.pk, state=Campaign.State.SENDING).update(
        next_batch_at=next_at
    )
    return next_at if updated else None


def run(*, campaign_id: int) -> datetime | None:
    """Send batches while they are due; returns when the next one will be (None: the
    campaign is over). What a task runs; a rerun after a crash resumes where it stopped,
    once the dead consumer's claim has lapsed."""
    while True:
        result = send_batch(campaign_id=campaign_id, at=clock_now())
        if not result.claimed:
            # Not due yet, or another consumer holds it: say when to try again.
            return (
                Campaign.objects.filter(pk=campaign_id, state=Campaign.State.SENDING)
                .values_list("next_batch_at", flat=True)
                .first()
            )
        if result.next_at is None:
            return None
        if result.next_at > clock_now():
            return result.next_at


def start_due(*, at: datetime) -> list[int]:
    """Scheduled campaigns whose time has come start sending; returns the campaigns to
    run now (those, and sending ones whose next batch is due: a lost kick or a dead
    consumer delays a campaign by one sweep at most)."""
    from comptoir.campaigns import services

    for campaign in Campaign.objects.filter(state=Campaign.State.SCHEDULED, next_batch_at__lte=at).order_by(
        "pk"
    ):
        services.begin_sending(campaign, at=at)
    return list(
        Campaign.objects.filter(state=Campaign.State.SENDING, next_batch_at__lte=at)
        .order_by("next_batch_at")
        .values_list("pk", flat=True)
    )
