from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from comptoir.accounts import contracts, eligibility
from comptoir.accounts.models import Organisation, User


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
