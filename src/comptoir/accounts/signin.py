"""Signing in, through django-allauth: Comptoir's rules for it.

- No self-service sign-up: accounts come from an organisation's admin, an invitation, or a
  first contact (mail, help button, contact form, phone call).
- People sign in with their login (procedure 000's ``prenomnom``) or their e-mail address
  (procedure 003); wrong passwords are throttled per account and per client address
  (``ACCOUNT_RATE_LIMITS``).
- Where an organisation asks for it, its requesters confirm their e-mail address before
  their first password sign-in (``comptoir.accounts.addresses``).
- The mails allauth sends (password reset, and the same answer to an address without an
  account, so that no answer reveals who has one) leave through the outbox like every mail.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordKeyForm as AllauthResetPasswordKeyForm
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.accounts import addresses
from comptoir.accounts.models import User
from comptoir.core import outbox
from comptoir.core.clock import now as clock_now

_MISMATCH = gettext_lazy("The login or e-mail address, or the password, is not correct.")


class AccountAdapter(DefaultAccountAdapter):
    # One message whether the login or the address was typed (it tells nothing about which
    # accounts exist), and Comptoir's own words.
    error_messages = DefaultAccountAdapter.error_messages | {
        "username_password_mismatch": _MISMATCH,
        "email_password_mismatch": _MISMATCH,
        "too_many_login_attempts": gettext_lazy(
            "Too many failed attempts: wait a minute before trying again."
        ),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def format_email_subject(self, subject: str) -> str:
        # Not the host name allauth would put first: the product's name, as in every mail.
        return _("Comptoir: %(subject)s") % {"subject": subject}

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Rendered in the person's language (the page's for an unknown address), delivered
        by the outbox. Links follow the configured address (``COMPTOIR_BASE_URL``), never
        the request's host."""
        base = settings.COMPTOIR_BASE_URL.rstrip("/")
        for key in ("password_reset_url", "activate_url"):
            if context.get(key):
                parts = urlsplit(str(context[key]))
                context[key] = base + parts.path + (f"?{parts.query}" if parts.query else "")
        context.setdefault("contact_url", base + reverse("contact:form"))
        # A known person's own language; otherwise the one of the page they used.
        person = context.get("user")
        language = getattr(person, "language", "") or translation.get_language()
        with translation.override(language):
            message = self.render_mail(template_prefix, email, context)
        payload: dict[str, Any] = {
            "to": list(message.to),
            "subject": message.subject,
            "body": message.body,
            "headers": {"Auto-Submitted": "auto-generated"},
        }
        with transaction.atomic():
            outbox.enqueue([outbox.build("mail", payload, at=clock_now())])


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form; the e-mail verification step applies per organisation
    (``Organisation.verify_email``) rather than to everyone (``ACCOUNT_EMAIL_VERIFICATION``
    stays "none")."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        login = getattr(self, "_login", None)
        if login is not None and isinstance(login.user, User) and addresses.must_confirm(login.user):
            login.email = login.email or login.user.email
            login.email_verification = allauth_settings.EmailVerificationMethod.MANDATORY
        return cleaned


class ResetPasswordKeyForm(AllauthResetPasswordKeyForm):
    """Choosing a new password from the mailed link also proves the address."""

    def save(self) -> None:
        super().save()
        if isinstance(self.user, User):
            addresses.confirmed(self.user)
