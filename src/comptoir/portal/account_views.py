"""Organisation admins manage their organisation's accounts (procedure 000): list, create
(login by the organisation's naming rule, invitation mail), change the role, deactivate
and reactivate. And the page where an invited person chooses their password.

Parse, call ``comptoir.accounts.services``, render. Anyone but an organisation admin gets
404, and so does an account of another organisation or of the support team.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from comptoir.accounts import addresses, services
from comptoir.accounts.models import User
from comptoir.core.errors import ComptoirError, NotFound
from comptoir.portal.account_forms import ChoosePasswordForm, NewAccountForm

PAGE = 50


def org_admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.role != User.Role.ORG_ADMIN or not request.user.organisation_id:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _account_or_404(request: HttpRequest, pk: int) -> User:
    try:
        return services.account_for(request.user, pk)
    except NotFound:
        raise Http404(_("No such account.")) from None


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return max(int(value), 1) if value.isdigit() else 1


@org_admin_required
def account_list(request: HttpRequest) -> HttpResponse:
    page = _page_number(request)
    rows = list(
        services.manageable_accounts(request.user).order_by("last_name", "first_name", "pk")[
            (page - 1) * PAGE : page * PAGE + 1
        ]
    )
    return render(
        request,
        "portal/accounts.html",
        {
            "rows": rows[:PAGE],
            "page": page,
            "has_next": len(rows) > PAGE,
            "roles": User.OrgRole.choices,
            "organisation": request.user.organisation,
        },
    )


@org_admin_required
def account_new(request: HttpRequest) -> HttpResponse:
    form = NewAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.invite_user(
                by=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                org_role=data["org_role"],
            )
        except ComptoirError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Account %(login)s created; an invitation to choose a password has been sent to %(email)s.")
                % {"login": user.username, "email": user.email},
            )
            return redirect("portal:accounts")
    return render(
        request, "portal/accounts_new.html", {"form": form, "organisation": request.user.organisation}
    )


@org_admin_required
@require_GET
def login_preview(request: HttpRequest) -> HttpResponse:
    """The login the naming rule will give (shown while the admin types the name)."""
    first, last = request.GET.get("first_name", ""), request.GET.get("last_name", "")
    login = services.propose_login(first, last, request.user.organisation) if first or last else ""
    return render(request, "portal/accounts_login_preview.html", {"login": login})


@org_admin_required
@require_POST
def account_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in {"role", "deactivate", "reactivate", "invite"}:
        raise Http404
    account = _account_or_404(request, pk)
    try:
        if action == "role":
            services.set_org_role(account, by=request.user, org_role=request.POST.get("org_role", ""))
            done = _("Role of %(name)s: %(role)s.")
        elif action == "deactivate":
            services.deactivate_user(account, by=request.user)
            done = _("%(name)s can no longer sign in; their requests stay.")
        elif action == "reactivate":
            services.reactivate_user(account, by=request.user)
            done = _("%(name)s can sign in again.")
        else:
            services.resend_invitation(account, by=request.user)
            done = _("A new invitation has been sent to %(name)s.")
    except NotFound:
        raise Http404 from None
    except ComptoirError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, done % {"name": account.display_name, "role": account.get_org_role_display()}
        )
    return redirect("portal:accounts")


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The invitation's link: Django's view (the token leaves the address bar at once, the
    password fields are marked sensitive and never logged); signs the person in."""

    template_name = "portal/accounts_set_password.html"
    form_class = ChoosePasswordForm
    post_reset_login = True
    post_reset_login_backend = "allauth.account.auth_backends.AuthenticationBackend"
    success_url = reverse_lazy("portal:list")

    def get_user(self, uidb64: str) -> User | None:
        user = super().get_user(uidb64)
        # A deactivated account's old invitation opens nothing.
        return user if user is not None and user.is_active else None

    def form_valid(self, form: ChoosePasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        addresses.confirmed(form.user)  # the invitation came to their address
        messages.success(self.request, _("Your password is set. Welcome!"))
        return response
