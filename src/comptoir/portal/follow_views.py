"""The link of the mails: a requester follows their request without a password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from comptoir.accounts import addresses, follow_links
from comptoir.tickets import services

BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


@never_cache
@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST signs in: mail scanners that open every link (to check it)
    would otherwise use it up before the person clicks."""
    try:
        found = follow_links.check(token)
    except follow_links.LinkRefused as refused:
        if request.user.is_authenticated and refused.user is not None and request.user.pk == refused.user.pk:
            return redirect("portal:ticket", number=refused.number)  # already signed in: go on
        return refused_page(request, token, refused)
    if request.user.is_authenticated and request.user.pk == found.user.pk:
        return redirect("portal:ticket", number=found.number)
    if request.method == "POST":
        login(request, found.user, backend=BACKEND)
        addresses.confirmed(found.user)  # the link came to their address
        if not found.user.has_usable_password():
            messages.info(request, _("Welcome! You can choose a password below to sign in later."))
        return redirect("portal:ticket", number=found.number)
    return render(request, "portal/follow.html", {"number": found.number, "person": found.user})


@require_http_methods(["POST"])
def fresh_link(request: HttpRequest, token: str) -> HttpResponse:
    """Mail a new link to the person an expired or used link was made for."""
    try:
        follow_links.check(token)
    except follow_links.LinkRefused as refused:
        if refused.user is not None and refused.number is not None:
            services.send_fresh_link(refused.user, refused.number)
    return render(request, "portal/follow_sent.html")


def refused_page(request: HttpRequest, token: str, refused: follow_links.LinkRefused) -> HttpResponse:
    context = {"reason": refused.reason.value, "token": token, "can_resend": refused.user is not None}
    return render(request, "portal/follow_refused.html", context, status=410 if refused.user else 404)
