"""E-mail subscriptions to the status page: double opt-in, one-click unsubscribe.

Subscribing stores the address unconfirmed and mails a signed link; only confirmed
addresses receive the outages' updates. Every update carries a signed unsubscribe link
(and the ``List-Unsubscribe`` headers of RFC 8058): one click deletes the subscription.
The page answers the same thing whatever the address's state, so nobody learns who
subscribed; a new confirmation mail goes out at most once an hour per address.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core import signing
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.core import outbox
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import NotFound, ValidationError
from comptoir.outages import announcements
from comptoir.outages.models import Subscriber

CONFIRMATION_DAYS = 7
RESEND_AFTER = timedelta(hours=1)
CONFIRM_SALT = "comptoir.outages.confirm"
UNSUBSCRIBE_SALT = "comptoir.outages.unsubscribe"


def _token(subscriber: Subscriber, salt: str) -> str:
    # The address is signed with the id: a link stays tied to this subscription, not to a
    # later one that got the same id back.
    return signing.dumps({"s": subscriber.pk, "e": subscriber.email}, salt=salt)


def unsubscribe_token(subscriber: Subscriber) -> str:
    return _token(subscriber, UNSUBSCRIBE_SALT)


def confirm_token(subscriber: Subscriber) -> str:
    return _token(subscriber, CONFIRM_SALT)


def _read(token: str, salt: str, max_age: timedelta | None = None) -> tuple[int, str]:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
        return int(data["s"]), str(data["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise NotFound(_("This link is not valid (any more).")) from None


def subscribe(*, email: str, language: str, at: datetime | None = None) -> None:
    """Ask to receive the status updates: a confirmation mail goes to ``email`` (unless one
    went less than an hour ago, or the address is already confirmed)."""
    at = at or clock_now()
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except Exception:
        raise ValidationError(_("Enter a valid e-mail address.")) from None
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
        if subscriber is None:
            try:
                with transaction.atomic():
                    subscriber = Subscriber.objects.create(
                        email=email, language=language, created_at=at, confirmation_sent_at=at
                    )
            except IntegrityError:  # the same address, sent twice at once: the other one mails
                return
        elif subscriber.confirmed_at is not None or at - subscriber.confirmation_sent_at < RESEND_AFTER:
            return
        else:
            subscriber.confirmation_sent_at, subscriber.language = at, language
            subscriber.save(update_fields=["confirmation_sent_at", "language"])
        outbox.enqueue([announcements.confirmation(subscriber, token=confirm_token(subscriber), at=at)])


def confirm(*, token: str, at: datetime | None = None) -> Subscriber:
    """The address's owner followed the confirmation link: updates will reach them."""
    at = at or clock_now()
    pk, email = _read(token, CONFIRM_SALT, max_age=timedelta(days=CONFIRMATION_DAYS))
    subscriber = Subscriber.objects.filter(pk=pk, email=email).first()
    if subscriber is None:
        raise NotFound(_("This link is not valid (any more)."))
    if subscriber.confirmed_at is None:
        Subscriber.objects.filter(pk=pk, confirmed_at__isnull=True).update(confirmed_at=at)
        subscriber.confirmed_at = at
    return subscriber


def unsubscribe(*, token: str) -> bool:
    """Stop the updates (the subscription is deleted). True if there was one; a link used
    twice is not an error."""
    pk, email = _read(token, UNSUBSCRIBE_SALT)
    deleted, _rows = Subscriber.objects.filter(pk=pk, email=email).delete()
    return bool(deleted)


def check_unsubscribe_token(token: str) -> None:
    _read(token, UNSUBSCRIBE_SALT)
