"""Refuse what is too large before reading it: a request body beyond
``COMPTOIR_MAX_REQUEST_BYTES`` (the files of one message and a margin for the form) answers
413 at once, as JSON with a ``code`` under /api/, as a page elsewhere; nothing of it is read
into memory."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.COMPTOIR_MAX_REQUEST_BYTES
        if length > limit:
            detail = _("This is too large to send (%(size)s; the limit is %(limit)s).") % {
                "size": filesizeformat(length),
                "limit": filesizeformat(limit),
            }
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": detail, "code": "too_large"}, status=413)
            return render(request, "413.html", {"detail": detail}, status=413)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A page that fails because the database cannot answer (down, restarting) says so with
    503 and ``Retry-After``, instead of a 500 "error" that a person or a load balancer would
    take for a bug."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        detail = _("The service is unavailable for a moment: try again shortly.")
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": detail, "code": "unavailable"}, status=503)
        else:
            # No database: a page that needs neither the user nor the session (both languages).
            response = render(request, "503.html", status=503)
        response["Retry-After"] = "30"
        return response
