from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from comptoir.core import health


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    report = health.check()
    return JsonResponse(report, status=200 if report["ok"] else 503)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("desk:queue" if request.user.is_staff_member else "portal:list")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A readable page (in the user's language) instead of Django's technical one."""
    from django.shortcuts import render

    return render(request, "403_csrf.html", status=403)
