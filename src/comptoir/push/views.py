"""A device opts in or out of push notifications: the page's script POSTs the browser's
subscription here (JSON, with the CSRF token in ``X-CSRFToken``)."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.errors import ComptoirError, PermissionDenied
from comptoir.push import services


def _json(request: HttpRequest) -> dict[str, object]:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


@login_required
@require_POST
def subscribe(request: HttpRequest) -> JsonResponse:
    data = _json(request)
    subscription = data.get("subscription")
    if not isinstance(subscription, dict) or not isinstance(subscription.get("keys"), dict):
        return JsonResponse({"error": _("This device's subscription is missing.")}, status=400)
    keys = subscription["keys"]
    try:
        services.subscribe(
            user=request.user,
            endpoint=str(subscription.get("endpoint") or ""),
            p256dh=str(keys.get("p256dh") or ""),
            auth=str(keys.get("auth") or ""),
            label=str(data.get("label") or ""),
            emergencies=data.get("emergencies") is True,
        )
    except PermissionDenied as exc:
        return JsonResponse({"error": str(exc)}, status=403)
    except ComptoirError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({"subscribed": True}, status=201)


@login_required
@require_POST
def unsubscribe(request: HttpRequest) -> JsonResponse:
    removed = services.unsubscribe(user=request.user, endpoint=str(_json(request).get("endpoint") or ""))
    return JsonResponse({"removed": removed})
