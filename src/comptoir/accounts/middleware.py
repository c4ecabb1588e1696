"""Each person's language and time zone; staff led to enrol a second factor when the
policy requires it.

Language: the user's setting, else the browser's (LocaleMiddleware's choice). Time zone: the
user's setting, so due times and histories show in the viewer's own zone.
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptoir.accounts import second_factor, security


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            try:
                timezone.activate(ZoneInfo(user.timezone))
            except (ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """A staff member whose role requires a second factor (``SecurityPolicy``) and who has
    none is led to the two-factor page, with a message saying why, until they enrol. The
    two-factor pages, signing out and the language switch stay open. Calls with an API
    token carry no session and are not concerned: tokens keep working."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: object, view_args: object, view_kwargs: object
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or "HTTP_AUTHORIZATION" in request.META:
            return None
        match = request.resolver_match
        if second_factor.open_before_enrolment(match.url_name if match else None):
            return None
        if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        if not security.must_enrol(user):
            return None
        message = _(
            "Your role requires two-factor authentication: set up an authenticator app or a "
            "passkey before you continue."
        )
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "code": "second_factor_required"}, status=403)
        url = reverse("mfa_index")
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        messages.warning(request, message)
        return HttpResponseRedirect(url)
