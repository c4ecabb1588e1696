"""Links that let a requester follow a request without a password.

Every mail about a request carries one: signed, bound to the person and the request,
valid ``VALID_FOR``. Opening it signs the person in (a normal session, limited like any
other by what they may see) and shows the request. A link signs in once: the signature
covers the person's last sign-in and password, so signing in — by this link or any other
way — or changing the password ends every link sent before (revoking them all). Links are
never made for the support team, whose accounts need their own sign-in.

Stateless on purpose (Django's signing, like its password-reset tokens): a mail costs no
database row, and nothing is kept that could leak.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from comptoir.accounts.models import User

SALT = "comptoir.accounts.follow_links"
VALID_FOR = timedelta(days=30)


class Refusal(enum.StrEnum):
    BROKEN = "broken"  # not one of our links (cut short, tampered with)
    EXPIRED = "expired"
    USED = "used"  # signed in since (with it or otherwise), or the password changed


class LinkRefused(Exception):
    """The link opens nothing; ``user`` is the person it was made for when the signature
    holds (an expired or used link: they may ask for a fresh one to their own address)."""

    def __init__(self, reason: Refusal, user: User | None = None, number: int | None = None) -> None:
        super().__init__(reason.value)
        self.reason, self.user, self.number = reason, user, number


@dataclass(frozen=True)
class Follow:
    user: User
    number: int  # the request's number


def _state(user: User) -> str:
    login = "" if user.last_login is None else user.last_login.replace(microsecond=0, tzinfo=None).isoformat()
    return salted_hmac(
        SALT, f"{user.pk}|{user.password}|{login}|{user.is_active}", algorithm="sha256"
    ).hexdigest()[:20]


def may_have_link(user: User) -> bool:
    return user.is_active and not user.is_staff_member and bool(user.email)


def make(user: User, number: int) -> str:
    """A link token for ``user`` to follow request ``number``."""
    return signing.dumps({"u": user.pk, "t": number, "s": _state(user)}, salt=SALT, compress=True)


def check(token: str) -> Follow:
    """The person and the request of a valid link, else LinkRefused with the reason."""
    try:
        data = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkRefused(Refusal.BROKEN) from None
    user = User.objects.filter(pk=data.get("u")).first() if isinstance(data, dict) else None
    number = data.get("t") if isinstance(data, dict) else None
    if user is None or not may_have_link(user) or not isinstance(number, int):
        raise LinkRefused(Refusal.BROKEN)
    try:
        signing.loads(token, salt=SALT, max_age=VALID_FOR)
    except signing.SignatureExpired:
        raise LinkRefused(Refusal.EXPIRED, user, number) from None
    if not constant_time_compare(str(data.get("s", "")), _state(user)):
        raise LinkRefused(Refusal.USED, user, number)
    return Follow(user=user, number=number)
