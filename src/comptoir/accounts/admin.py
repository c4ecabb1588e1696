from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from comptoir.accounts import contracts, eligibility, security
from comptoir.accounts.models import Organisation, SecurityPolicy, User
from comptoir.core.errors import ComptoirError


class OrganisationForm(forms.ModelForm):
    eligible_roles = forms.MultipleChoiceField(
        label=_("roles that may open tickets"),
        choices=User.OrgRole.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: everyone in the organisation (procedure 002: site owners and editors)."),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "language",
            "calendar",
            "email_domains",
            "is_active",
            "monthly_ticket_quota",
            "quota_policy",
            "eligible_roles",
            "support_contact",
            "login_rule",
        ]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = ["name", "monthly_ticket_quota", "quota_policy", "language", "is_active"]
    search_fields = ["name"]
    fieldsets = (
        (None, {"fields": ["name", "language", "calendar", "email_domains", "is_active"]}),
        (_("Contract"), {"fields": ["monthly_ticket_quota", "quota_policy"]}),
        (_("Who may open tickets"), {"fields": ["eligible_roles", "support_contact"]}),
        (_("Accounts"), {"fields": ["login_rule", "verify_email"]}),
    )

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        # Contracts and eligibility are cached per process: apply the change here at once.
        contracts.forget()
        eligibility.reset()


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "role", "organisation", "org_role", "tier", "is_active"]
    list_filter = ["role", "tier", "organisation", "org_role"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            _("Comptoir"),
            {
                "fields": [
                    "role",
                    "organisation",
                    "org_role",
                    "tier",
                    "is_available",
                    "language",
                    "timezone",
                    "phone",
                ]
            },
        ),
    )


@admin.register(SecurityPolicy)
class SecurityPolicyAdmin(admin.ModelAdmin):
    """The same policy as the desk's "Sign-in security" page, saved through the same
    service (one row)."""

    fields = ["mfa_for_agents", "mfa_for_supervisors", "mfa_for_admins", "updated_by", "updated_at"]
    readonly_fields = ["updated_by", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SecurityPolicy.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: SecurityPolicy | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: SecurityPolicy, form: forms.Form, change: bool) -> None:
        try:
            saved = security.set_mfa_requirement(
                by=request.user,  # type: ignore[arg-type]
                agents=obj.mfa_for_agents,
                supervisors=obj.mfa_for_supervisors,
                admins=obj.mfa_for_admins,
            )
        except ComptoirError as exc:
            raise DjangoPermissionDenied(exc.message) from None
        obj.pk = saved.pk
