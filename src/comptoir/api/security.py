"""Who may call the API: a personal token (``Authorization: Bearer cpt_…``) or the web
session (with its CSRF token for unsafe methods). The authenticated user is
``request.auth``; what they may see and do is decided by the same selectors and services as
the pages.

Write endpoints take ``WRITE``: a token of the read scope gets 403 there.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer

from comptoir.api import tokens
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import PermissionDenied


class ReadOnlyToken(PermissionDenied):
    code = "read_only_token"


class BearerToken(HttpBearer):
    """A personal API token. ``write``: the endpoint changes something, the token must have
    the write scope. ``staff``: the endpoint is for the support team."""

    def __init__(self, *, write: bool = False, staff: bool = False) -> None:
        self.write, self.staff = write, staff
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = tokens.authenticate(token.strip(), at=clock_now())
        if found is None:
            return None
        user = found.user
        if self.staff and not user.is_staff_member:
            return None
        if self.write and not found.can_write:
            raise ReadOnlyToken(_("This token may only read: create a token with the write scope."))
        request.user = user
        request.api_token = found  # type: ignore[attr-defined]
        if user.language:
            translation.activate(user.language)
        return user


class Session(APIKeyCookie):
    """The Django session of a signed-in person (the web pages calling the API). CSRF is
    checked for unsafe methods, and only when a session cookie came: a call without one
    is simply not authenticated (401), not a CSRF failure."""

    openapi_name = "session"

    def __init__(self, *, staff: bool = False) -> None:
        self.staff = staff
        super().__init__(csrf=True)
        self.openapi_name = "session"

    @property
    def param_name(self) -> str:  # type: ignore[override]
        return settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        if not request.COOKIES.get(self.param_name):
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not (user.is_authenticated and user.is_active):
            return None
        if self.staff and not user.is_staff_member:
            return None
        return user


READ = [BearerToken(), Session()]
WRITE = [BearerToken(write=True), Session()]
STAFF = [BearerToken(staff=True), Session(staff=True)]
