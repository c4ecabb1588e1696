"""Public pages of campaigns: the unsubscribe page (no sign-in, a signed link)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from comptoir.campaigns import rendering, services
from comptoir.core.errors import NotFound


# RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without a form or a session;
# the signed token is the proof.
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (link scanners must not unsubscribe anyone); POST unsubscribes,
    from the button or from the mail client's one-click header."""
    try:
        email, _campaign_id = rendering.read_unsubscribe_token(token)
    except Exception:
        return render(request, "campaigns/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        try:
            services.unsubscribe(token=token)
        except NotFound:
            return render(request, "campaigns/unsubscribe.html", {"invalid": True}, status=404)
        return render(request, "campaigns/unsubscribe.html", {"done": True, "email": email})
    return render(request, "campaigns/unsubscribe.html", {"email": email})
