"""The invitation mail (procedure 000: "the mail is sent to the address of the person you
create the account for"): a link to choose a password, signed by Django's
``default_token_generator`` (valid ``PASSWORD_RESET_TIMEOUT``, three days by default, and
once: choosing the password changes what the token signs)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from comptoir.core import outbox
from comptoir.core.models import OutboxMessage

if TYPE_CHECKING:
    from comptoir.accounts.models import Organisation, User


def set_password_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("portal:set_password", kwargs={"uidb64": uid, "token": token})
    return settings.COMPTOIR_BASE_URL.rstrip("/") + path


def invitation(user: User, *, by: User, at: datetime) -> OutboxMessage:
    return _to(
        user,
        "invitation",
        {
            "by": by,
            "organisation": user.organisation,
            "url": set_password_url(user),
            "login_url": _absolute("account_login"),
            "days": max(settings.PASSWORD_RESET_TIMEOUT // 86400, 1),
        },
        at=at,
    )


def already_registered(user: User, *, by: User, organisation: Organisation, at: datetime) -> OutboxMessage:
    """To the owner of an address an organisation admin tried to invite, when the account
    exists elsewhere: nothing was created, and how to get in with the account they have."""
    return _to(
        user,
        "already_registered",
        {
            "by": by,
            "organisation": organisation,
            "login_url": _absolute("account_login"),
            "reset_url": _absolute("account_reset_password"),
        },
        at=at,
    )


def _absolute(name: str) -> str:
    return settings.COMPTOIR_BASE_URL.rstrip("/") + reverse(name)


def _to(user: User, template: str, context: dict[str, object], *, at: datetime) -> OutboxMessage:
    """``accounts/mail/<template>_subject.txt`` and ``_body.txt`` to ``user``, in their language."""
    ctx = {"user": user, **context}
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"accounts/mail/{template}_subject.txt", ctx).strip()
        body = render_to_string(f"accounts/mail/{template}_body.txt", ctx)
    payload = {
        "to": [user.email],
        "subject": subject,
        "body": body,
        "headers": {"Auto-Submitted": "auto-generated"},
    }
    return outbox.build("mail", payload, at=at)
