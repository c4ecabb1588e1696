from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from comptoir.accounts import contracts, eligibility, sign_on
from comptoir.accounts.models import Organisation, SingleSignOn, User
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
        (_("Accounts"), {"fields": ["login_rule"]}),
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


class SingleSignOnForm(forms.ModelForm):
    """The provider's settings live in django-allauth's application; this form edits both
    through ``sign_on.configure_sign_on``."""

    name = forms.CharField(
        label=_("name on the button"),
        max_length=40,
        help_text=_("Shown as “Sign in with …” on the login page, e.g. the organisation's name."),
    )
    server_url = forms.URLField(
        label=_("provider's address (issuer)"),
        assume_scheme="https",
        help_text=_(
            "The issuer URL, whose /.well-known/openid-configuration Comptoir reads "
            "(e.g. login.microsoftonline.com/<tenant>/v2.0, accounts.google.com, "
            "keycloak.example/realms/<realm>)."
        ),
    )
    client_id = forms.CharField(label=_("client id"), max_length=191)
    secret = forms.CharField(
        label=_("client secret"),
        max_length=191,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Left empty when changing: the current secret is kept."),
    )

    class Meta:
        model = SingleSignOn
        fields = ["organisation", "new_person_role", "passwords_allowed"]

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            app = self.instance.app
            self.initial.update(
                name=app.name, server_url=app.settings.get("server_url", ""), client_id=app.client_id
            )
            self.fields["organisation"].disabled = True

    def clean_server_url(self) -> str:
        try:
            return sign_on.check_server_url(self.cleaned_data["server_url"])
        except ComptoirError as error:
            raise forms.ValidationError(error.message) from error

    def clean_secret(self) -> str:
        secret = self.cleaned_data["secret"]
        if not secret and not self.instance.pk:
            raise forms.ValidationError(_("The client secret is required."))
        return secret


@admin.register(SingleSignOn)
class SingleSignOnAdmin(admin.ModelAdmin):
    form = SingleSignOnForm
    list_display = ["organisation", "provider_name", "new_person_role", "passwords_allowed"]
    readonly_fields = ["callback"]
    fieldsets = (
        (None, {"fields": ["organisation", "name", "new_person_role", "passwords_allowed"]}),
        (_("OpenID Connect"), {"fields": ["server_url", "client_id", "secret", "callback"]}),
    )

    @admin.display(description=_("name on the button"))
    def provider_name(self, obj: SingleSignOn) -> str:
        return obj.app.name

    @admin.display(description=_("redirect URL to register at the provider"))
    def callback(self, obj: SingleSignOn) -> str:
        return sign_on.callback_url(obj) if obj.pk else _("Shown once saved.")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        data = form.cleaned_data
        try:
            saved = sign_on.configure_sign_on(
                by=request.user,
                organisation=obj.organisation,
                name=data["name"],
                server_url=data["server_url"],
                client_id=data["client_id"],
                secret=data["secret"],
                new_person_role=data["new_person_role"],
                passwords_allowed=data["passwords_allowed"],
            )
        except ComptoirError as error:
            raise PermissionDenied(error.message) from error
        obj.pk, obj.app_id = saved.pk, saved.app_id
