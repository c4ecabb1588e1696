"""Pages to create, list and revoke one's own API tokens, in the portal (requesters,
organisation admins) and in the desk (the support team): same view, same template, the
URL namespace says which side of the site it is on."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from comptoir.api import tokens
from comptoir.api.models import ApiToken
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import ComptoirError, NotFound

SHOWN = 50

EXPIRY_CHOICES = [
    ("", gettext_lazy("Never")),
    ("30", gettext_lazy("In 30 days")),
    ("90", gettext_lazy("In 90 days")),
    ("365", gettext_lazy("In a year")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What uses it, e.g. “Mobile app” or “Monitoring script”."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ
    )
    expires = forms.ChoiceField(label=gettext_lazy("Expires"), choices=EXPIRY_CHOICES, required=False)


def _side(request: HttpRequest) -> str:
    """``desk`` or ``portal``: the desk's pages are for the support team."""
    side = request.resolver_match.namespace if request.resolver_match else "portal"
    if side == "desk" and not request.user.is_staff_member:
        raise DjangoPermissionDenied
    return side


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    side = _side(request)
    form = TokenForm(request.POST or None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            at = clock_now()
            days = form.cleaned_data["expires"]
            try:
                token, text = tokens.create_token(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"],
                    expires_at=at + timedelta(days=int(days)) if days else None,
                    at=at,
                )
            except ComptoirError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                # Shown on this answer only: the page is not cached and the text is not kept.
                created = {"token": token, "text": text}
                form = TokenForm()
        else:
            status = 400
    rows = list(tokens.user_tokens(request.user)[:SHOWN])
    return render(
        request,
        "api/tokens.html",
        {"form": form, "rows": rows, "created": created, "side": side, "now": clock_now()},
        status=status,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    side = _side(request)
    try:
        token = tokens.revoke_token(token_id=pk, by=request.user)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect(f"{side}:tokens")
