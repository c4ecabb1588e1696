"""The requester's app: the portal installs on a phone's home screen (web app manifest),
its service worker (offline page, push notifications) and the page it shows offline."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# Comptoir's colours (Bootstrap's primary blue of comptoir.css, on white).
THEME_COLOUR = "#0d6efd"
BACKGROUND_COLOUR = "#ffffff"
ICONS = (
    ("icons/comptoir-192.png", "192x192", "any"),
    ("icons/comptoir-512.png", "512x512", "any"),
    ("icons/comptoir-maskable-512.png", "512x512", "maskable"),
)


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    """Public: browsers fetch the manifest without the person's cookies."""
    portal = reverse("portal:list")
    data = {
        "name": "Comptoir",
        "short_name": "Comptoir",
        "description": _("Follow your requests to the support team."),
        "lang": get_language(),
        "id": portal,
        "start_url": portal,
        "scope": portal,
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from /portal/ so that its scope is the portal; never cached by HTTP, so a new
    version is picked up at the next visit."""
    shell = [reverse("portal:offline"), static("vendor/bootstrap.min.css"), static("comptoir.css")]
    shell += [static(path) for path, _sizes, _purpose in ICONS[:1]]
    context = {
        "offline_url_json": json.dumps(reverse("portal:offline")),
        "shell_json": json.dumps(shell),
        "icon_json": json.dumps(static(ICONS[0][0])),
    }
    response = render(request, "portal/app/sw.js", context, content_type="text/javascript")
    response["Service-Worker-Allowed"] = reverse("portal:list")
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the app shows when the network fails (the service worker keeps a copy)."""
    return render(request, "portal/app/offline.html", {"theme_colour": THEME_COLOUR})
