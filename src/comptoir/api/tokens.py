"""Personal API tokens: created, shown once, checked on every API call, revoked.

A token reads ``cpt_<prefix>_<secret>``. The prefix (visible in the lists) finds the row;
only the SHA-256 of the whole token is stored, compared in constant time. The last-used
time is written at most once a minute, by a conditional UPDATE, so a busy integration does
not write on every call.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from comptoir.api.models import ApiToken
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import NotFound, ValidationError

if TYPE_CHECKING:
    from comptoir.accounts.models import User

PREFIX = "cpt_"
LAST_USED_PRECISION = timedelta(minutes=1)
MAX_ACTIVE_TOKENS = 20


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def user_tokens(user: User) -> QuerySet[ApiToken]:
    """A person's tokens, newest first (revoked ones included: they show as revoked)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def create_token(
    *,
    user: User,
    name: str,
    scope: str = ApiToken.Scope.READ,
    expires_at: datetime | None = None,
    at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for ``user`` and return it with its text, which is never shown again
    (only its SHA-256 is kept)."""
    at = at or clock_now()
    name = " ".join((name or "").split())[:100]
    if not name:
        raise ValidationError(_("Give the token a name (e.g. the application that uses it)."))
    if scope not in ApiToken.Scope.values:
        raise ValidationError(_("Unknown scope."))
    if expires_at is not None and expires_at <= at:
        raise ValidationError(_("The expiry date must be in the future."))
    if active_tokens(user, at=at).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("You have %(count)d active tokens: revoke one before creating another.")
            % {"count": MAX_ACTIVE_TOKENS}
        )
    prefix = secrets.token_hex(4)
    text = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        digest=digest(text),
        scope=scope,
        created_at=at,
        expires_at=expires_at,
    )
    return token, text


def active_tokens(user: User, *, at: datetime) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=at)
    )


def revoke_token(*, token_id: int, by: User, at: datetime | None = None) -> ApiToken:
    """Revoke one of one's own tokens: it stops working at once. Someone else's token is
    not found."""
    at = at or clock_now()
    try:
        token = ApiToken.objects.get(pk=token_id, user=by)
    except ApiToken.DoesNotExist:
        raise NotFound(_("No such token.")) from None
    if token.revoked_at is None:
        token.revoked_at = at
        token.save(update_fields=["revoked_at"])
    return token


def authenticate(text: str, *, at: datetime | None = None) -> ApiToken | None:
    """The live token this text is, with its user and their organisation loaded; None for
    anything else (unknown, revoked, expired, or its user deactivated). One query, plus one
    UPDATE at most once a minute for the last-used time."""
    if not text.startswith(PREFIX):
        return None
    prefix, _sep, secret = text[len(PREFIX) :].partition("_")
    if not prefix or not secret:
        return None
    at = at or clock_now()
    token = ApiToken.objects.select_related("user__organisation").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.digest, digest(text)):
        return None
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= at):
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or at - token.last_used_at >= LAST_USED_PRECISION:
        # Conditional: of several calls in the same minute, on several processes, one writes.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=at - LAST_USED_PRECISION)
        ).update(last_used_at=at)
        token.last_used_at = at
    return token
