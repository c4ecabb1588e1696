"""Sign-in security in the desk: an administrator chooses which staff roles must use
two-factor authentication (``comptoir.accounts.security``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.accounts import security
from comptoir.core.errors import PermissionDenied
from comptoir.desk.views import staff_required


class SecondFactorPolicyForm(forms.Form):
    agents = forms.BooleanField(label=gettext_lazy("Agents"), required=False)
    supervisors = forms.BooleanField(label=gettext_lazy("Supervisors"), required=False)
    admins = forms.BooleanField(label=gettext_lazy("Administrators"), required=False)


@staff_required
def security_settings(request: HttpRequest) -> HttpResponse:
    try:
        security.check_can_change_security(request.user)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    policy = security.current_policy()
    form = SecondFactorPolicyForm(
        request.POST or None,
        initial={
            "agents": policy.mfa_for_agents,
            "supervisors": policy.mfa_for_supervisors,
            "admins": policy.mfa_for_admins,
        },
    )
    if request.method == "POST" and form.is_valid():
        security.set_mfa_requirement(by=request.user, **form.cleaned_data)
        messages.success(request, _("Sign-in security saved."))
        return redirect("desk:security")
    return render(
        request,
        "desk/security.html",
        {"form": form, "policy": policy, "has_second_factor": security.has_second_factor(request.user)},
    )
