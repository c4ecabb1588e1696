"""The login form, with single sign-on: an address of a domain whose organisation has a
provider goes through that provider when the password is left empty, and always when the
organisation does not allow passwords (``comptoir.accounts.sign_on``). With a password, the
sign-in goes on as ``comptoir.accounts.signin.LoginForm`` says (e-mail verification where
the organisation asks for it)."""

from __future__ import annotations

from typing import Any

from allauth.account.utils import get_next_redirect_url
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.providers.base import AuthProcess
from django.http import HttpResponse

from comptoir.accounts import sign_on
from comptoir.accounts.models import SingleSignOn
from comptoir.accounts.signin import LoginForm as PasswordLoginForm


class LoginForm(PasswordLoginForm):
    def _through(self, link: SingleSignOn, email: str) -> HttpResponse:
        """Straight to the provider (this is the POST of the login form: no second
        click), the address offered as a hint."""
        provider = link.app.get_provider(self.request)
        hint = {"auth_params": {"login_hint": email}} if link.app.provider == sign_on.OIDC else {}
        return provider.redirect(
            self.request, AuthProcess.LOGIN, next_url=get_next_redirect_url(self.request), **hint
        )

    def clean(self) -> dict[str, Any]:
        typed = str(self.data.get("login") or "").strip()
        link = sign_on.provider_for_address(typed) if "@" in typed else None
        if link is not None and (not self.data.get("password") or not link.passwords_allowed):
            raise ImmediateHttpResponse(self._through(link, typed))
        cleaned = super().clean()
        user = getattr(self, "user", None)
        if user is not None and (required := sign_on.provider_requiring(user)) is not None:
            # The right password, but the organisation signs its people in through its provider.
            raise ImmediateHttpResponse(self._through(required, user.email))
        return cleaned
