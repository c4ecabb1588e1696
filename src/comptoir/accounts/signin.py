"""Signing in, through django-allauth: Comptoir's rules for it.

- No self-service sign-up: accounts come from an organisation's admin, an invitation, or a
  first contact (mail, help button, contact form, phone call).
- People sign in with their login (procedure 000's ``prenomnom``) or their e-mail address
  (procedure 003); wrong passwords are throttled per account and per client address
  (``ACCOUNT_RATE_LIMITS``).
- The mails allauth sends (password reset, and the same answer to an address without an
  account, so that no answer reveals who has one) leave through the outbox like every mail.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
        """Rendered in the person's language, delivered by the outbox. Links follow the
        configured address (``COMPTOIR_BASE_URL``), never the request's host."""
        base = settings.COMPTOIR_BASE_URL.rstrip("/")
        for key in ("password_reset_url", "activate_url"):
            if context.get(key):
                parts = urlsplit(str(context[key]))
                context[key] = base + parts.path + (f"?{parts.query}" if parts.query else "")
        context.setdefault("contact_url", base + reverse("contact:form"))
        message = self.render_mail(template_prefix, email, context)
        payload: dict[str, Any] = {
            "to": list(message.to),
            "subject": message.subject,
            "body": message.body,
            "headers": {"Auto-Submitted": "auto-generated"},
        }
        with transaction.atomic():
            outbox.enqueue([outbox.build("mail", payload, at=clock_now())])
