"""django-allauth's hooks for single sign-on: they ask ``comptoir.accounts.sign_on`` and
act on its answer (refuse with a clear page, connect the existing account, create the
newcomer's), and decide nothing themselves.

Existing accounts are connected here rather than by allauth's e-mail authentication
(``SOCIALACCOUNT_EMAIL_AUTHENTICATION``): that one would also wipe the password of an
account whose address allauth never saw verified, and most of Comptoir's accounts were made
by an organisation's admin or a first contact, with no such record.
"""

from __future__ import annotations

from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from comptoir.accounts import sign_on
from comptoir.accounts.sign_on_rules import Refusal

REFUSALS = {
    Refusal.NO_ADDRESS: _(
        "%(provider)s did not give your e-mail address, so Comptoir cannot tell who you are."
    ),
    Refusal.UNVERIFIED: _(
        "%(provider)s has not verified that the address %(email)s is yours. Ask your "
        "organisation's administrator to verify it, then try again."
    ),
    Refusal.OTHER_ORGANISATION: _(
        "The address %(email)s belongs to another organisation: sign in through that "
        "organisation's provider, or with your password."
    ),
    Refusal.UNKNOWN_DOMAIN: _(
        "%(provider)s signs in the people of its own organisation only, and %(email)s is "
        "not one of its addresses."
    ),
    Refusal.WRONG_ORGANISATION: _(
        "%(provider)s cannot sign you in to the account of %(email)s: it belongs to another organisation."
    ),
}


def _answer(sociallogin: SocialLogin) -> tuple[str, bool]:
    """The address the provider gave and whether it says it verified it."""
    for address in sociallogin.email_addresses:
        if address.primary or len(sociallogin.email_addresses) == 1:
            return address.email, bool(address.verified)
    return "", False


def _judge(sociallogin: SocialLogin) -> sign_on.Outcome:
    email, verified = _answer(sociallogin)
    return sign_on.check_answer(
        provider_id=sociallogin.account.provider,
        email=email,
        email_verified=verified,
        connected=sociallogin.user if sociallogin.is_existing else None,  # type: ignore[arg-type]
    )


def refused_page(request: HttpRequest, sociallogin: SocialLogin, refusal: Refusal) -> HttpResponse:
    email, _verified = _answer(sociallogin)
    message = REFUSALS[refusal] % {"provider": sociallogin.provider.name, "email": email}
    return render(
        request,
        "account/sign_on_refused.html",
        {"message": message, "refusal": refusal.value},
        status=403,
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request: HttpRequest, provider: Any = None, client_id: Any = None) -> list[Any]:
        # Only the providers of active organisations: no button, and no way in, for the others.
        usable = sign_on.usable_app_ids()
        return [app for app in super().list_apps(request, provider, client_id) if app.pk in usable]

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Every answer is judged, returning people included; nothing is written before."""
        outcome = _judge(sociallogin)
        refusal = outcome.decision.refusal
        if refusal is not None:
            raise ImmediateHttpResponse(refused_page(request, sociallogin, refusal))
        if not sociallogin.is_existing and outcome.account is not None:
            with transaction.atomic():
                sociallogin.connect(request, sign_on.welcome_existing(outcome))

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # Only newcomers the rules accepted (no self-service sign-up otherwise).
        return _judge(sociallogin).decision.new_role is not None

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True  # never allauth's sign-up form: the provider's answer is enough

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict[str, Any]) -> Any:
        # The names and the address; the login follows the organisation's naming rule
        # (create_person), never the provider's preferred_username.
        user = super().populate_user(request, sociallogin, data)
        user.username = ""
        return user

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> AbstractBaseUser:
        outcome = _judge(sociallogin)
        if outcome.decision.new_role is None:  # the rules changed their mind since pre_social_login
            raise ImmediateHttpResponse(
                refused_page(request, sociallogin, outcome.decision.refusal or Refusal.WRONG_ORGANISATION)
            )
        email, _verified = _answer(sociallogin)
        suggested = sociallogin.user
        with transaction.atomic():
            user = sign_on.create_person(
                outcome,
                email=email,
                first_name=getattr(suggested, "first_name", ""),
                last_name=getattr(suggested, "last_name", ""),
            )
            sociallogin.user = user
            sociallogin.save(request)
        return user
