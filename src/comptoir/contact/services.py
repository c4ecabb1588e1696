"""The contact form's rules: spam guard and rate limits at submission, the address
confirmed by a mailed link, then the same intake as every channel (eligibility, quota,
number at once, acknowledgement mail)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from comptoir.accounts import services as accounts
from comptoir.accounts.models import User
from comptoir.admission import services as admission
from comptoir.admission.models import HeldRequest
from comptoir.catalog.models import Product
from comptoir.contact import guard
from comptoir.contact.models import ContactRequest
from comptoir.core import outbox
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import NotFound, ValidationError
from comptoir.core.models import OutboxMessage
from comptoir.mail.inbound.senders import organisation_for
from comptoir.tickets.new_request import NewRequest
from comptoir.tickets.vocabulary import Channel

CONFIRM_WITHIN = timedelta(hours=48)
FORM_SALT = "comptoir.contact.form"  # signing salt, not a secret
DEFAULT_LIMITS = {"per_client_hour": 5, "per_address_hour": 3}


class LooksLikeSpam(ValidationError):
    pass


class TooManyRequests(ValidationError):
    pass


@dataclass(frozen=True)
class Outcome:
    """What the confirmation led to: a ticket (its number is shown at once) or a request
    kept for an agent (eligibility, quota approval), with what to tell the person."""

    request: ContactRequest
    ticket_number: int | None
    explanation: str


def form_token(at: datetime) -> str:
    """Signed time the form was shown: a robot posting at once is caught without a captcha."""
    return signing.dumps(at.timestamp(), salt=FORM_SALT)


def seconds_to_fill(token: str, at: datetime) -> float | None:
    try:
        shown = float(signing.loads(token, salt=FORM_SALT, max_age=86400))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return at.timestamp() - shown


def client_key(address: str) -> str:
    """The sender's network address, hashed with the site's secret: enough to count requests
    per client, without keeping the address itself."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()


def _limits() -> dict[str, int]:
    return {**DEFAULT_LIMITS, **getattr(settings, "COMPTOIR_CONTACT_LIMITS", {})}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def submit_contact(
    *,
    name: str,
    email: str,
    subject: str,
    body: str,
    client: str,
    form_token_value: str,
    honeypot: str = "",
    organisation_name: str = "",
    product: Product | None = None,
    language: str = "fr",
    channel: str = Channel.FORM,
    details: Mapping[str, str] | None = None,
    at: datetime | None = None,
) -> ContactRequest:
    """Keep what was sent and mail a confirmation link (valid 48 hours). Spam and floods are
    refused with a clear message; nothing is opened before the address is confirmed."""
    at = at or clock_now()
    name, subject = " ".join(name.split()), " ".join(subject.split())
    email, body = email.strip(), body.strip()
    if not name or not email or not subject or not body:
        raise ValidationError(_("Please give your name, your e-mail address, a subject and your message."))
    verdict = guard.judge(honeypot=honeypot, seconds_to_fill=seconds_to_fill(form_token_value, at), text=body)
    if verdict.spam:
        raise LooksLikeSpam(
            _("Your message could not be accepted. Please reload the page, then send it again.")
        )
    limits = _limits()
    hour_ago = at - timedelta(hours=1)
    recent = ContactRequest.objects.filter(created_at__gte=hour_ago)
    if (
        recent.filter(client_hash=client).count() >= limits["per_client_hour"]
        or recent.filter(email__iexact=email).count() >= limits["per_address_hour"]
    ):
        raise TooManyRequests(
            _(
                "You have sent several messages in the last hour. "
                "Please wait a little before sending another one."
            )
        )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        request = ContactRequest.objects.create(
            name=name[:150],
            email=email,
            organisation_name=organisation_name.strip()[:200],
            subject=subject[:250],
            body=body,
            product=product,
            language=language,
            channel=channel,
            details=dict(details or {}),
            token_hash=_hash(token),
            client_hash=client,
            created_at=at,
            expires_at=at + CONFIRM_WITHIN,
        )
        outbox.enqueue([_confirmation_mail(request, token, at=at)])
    return request


def _confirmation_mail(request: ContactRequest, token: str, *, at: datetime) -> OutboxMessage:
    url = settings.COMPTOIR_BASE_URL.rstrip("/") + reverse("contact:confirm", args=[token])
    with translation.override(request.language):
        ctx = {"request": request, "url": url}
        subject = render_to_string("contact/mail/confirm_subject.txt", ctx).strip()
        body = render_to_string("contact/mail/confirm_body.txt", ctx)
    return outbox.build(
        "mail",
        {
            "to": [request.email],
            "subject": subject,
            "body": body,
            "headers": {"Auto-Submitted": "auto-generated"},
        },
        at=at,
    )


def confirm_contact(token: str, *, at: datetime | None = None) -> Outcome:
    """The link of the confirmation mail: the address is the sender's, so the request
    becomes a ticket for the account with this address (created if there is none, in the
    organisation its domain belongs to), through the same intake as every channel. Following
    the link again shows the same result."""

    at = at or clock_now()
    with transaction.atomic():
        # Two clicks at once: the second waits and finds the request confirmed.
        request = ContactRequest.objects.select_for_update().filter(token_hash=_hash(token)).first()
        if request is None:
            raise NotFound(_("This confirmation link is not valid."))
        if request.state == ContactRequest.State.CONFIRMED:
            return _outcome(request)
        if at > request.expires_at:
            raise ValidationError(
                _("This link has expired (it was valid for 48 hours). Please send your message again.")
            )
        requester = _requester_for(request, at=at)
        new = NewRequest(
            requester=requester,
            subject=request.subject,
            body=request.body,
            channel=request.channel,
            product=request.product,
            details=request.details,
            # The contact form asks only for a message: its text is read for the facts the
            # request form wants, and what it lacks is asked for by mail.
            ask_missing=True,
        )
        result = admission.submit(new, at=at)
        request.state, request.confirmed_at = ContactRequest.State.CONFIRMED, at
        if isinstance(result, HeldRequest):
            request.held = result
        else:
            request.ticket = result
        request.save(update_fields=["state", "confirmed_at", "held", "ticket"])
    return _outcome(request)


def _outcome(request: ContactRequest) -> Outcome:
    if request.ticket_id is not None:
        number = request.ticket.number if request.ticket else None
        return Outcome(request, number, "")
    explanation = request.held.explanation if request.held_id and request.held else ""
    return Outcome(request, None, explanation)


def _requester_for(request: ContactRequest, *, at: datetime) -> User:
    found = (
        User.objects.filter(email__iexact=request.email, is_active=True)
        .select_related("organisation")
        .first()
    )
    if found is not None:
        return found

    first, _space, last = request.name.partition(" ")
    return accounts.create_requester(
        first_name=first,
        last_name=last or first,
        email=request.email,
        organisation=organisation_for(request.email, None),
        language=request.language,
        at=at,
    )
