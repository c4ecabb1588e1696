"""The delivery log in the desk: each webhook delivery with its outbox row's state,
attempts and last error (administrators and supervisors)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from comptoir.webhooks.models import Delivery, Subscription

PAGE = 50


@login_required
def deliveries(request: HttpRequest) -> HttpResponse:
    if request.user.role not in {request.user.Role.ADMIN, request.user.Role.SUPERVISOR}:
        raise DjangoPermissionDenied
    value = request.GET.get("page", "1")
    page = max(int(value), 1) if value.isdigit() and len(value) < 6 else 1
    qs = Delivery.objects.select_related("subscription", "outbox", "ticket").order_by("-created_at", "-pk")
    chosen = request.GET.get("subscription", "")
    if chosen.isdigit():
        qs = qs.filter(subscription_id=int(chosen))
    rows = list(qs[(page - 1) * PAGE : page * PAGE + 1])
    return render(
        request,
        "webhooks/deliveries.html",
        {
            "rows": rows[:PAGE],
            "has_next": len(rows) > PAGE,
            "page": page,
            "subscriptions": Subscription.objects.order_by("name", "pk"),
            "chosen": chosen,
        },
    )
