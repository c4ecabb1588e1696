"""Refuse what is too large before reading it: a request body beyond
``COMPTOIR_MAX_REQUEST_BYTES`` (the files of one message and a margin for the form) answers
413 at once, as JSON with a ``code`` under /api/, as a page elsewhere; nothing of it is read
into memory."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
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
