from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from comptoir.accounts import contracts, eligibility, security, sign_on
from comptoir.accounts.models import Organisation, SecurityPolicy, SingleSignOn, User
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


class SingleSignOnForm(forms.ModelForm):
    """The provider's settings live in django-allauth's application; this form edits both
    through ``sign_on.configure_sign_on`` (OpenID Connect) or ``configure_saml_sign_on``."""

    protocol = forms.ChoiceField(
        label=_("protocol"), choices=[(sign_on.OIDC, "OpenID Connect"), (sign_on.SAML, "SAML 2.0")]
    )
    name = forms.CharField(
        label=_("name on the button"),
        max_length=40,
        help_text=_("Shown as “Sign in with …” on the login page, e.g. the organisation's name."),
    )
    server_url = forms.URLField(
        label=_("provider's address (issuer)"),
        assume_scheme="https",
        required=False,
        help_text=_(
            "The issuer URL, whose /.well-known/openid-configuration Comptoir reads "
            "(e.g. login.microsoftonline.com/<tenant>/v2.0, accounts.google.com, "
            "keycloak.example/realms/<realm>)."
        ),
    )
    client_id = forms.CharField(label=_("client id"), max_length=191, required=False)
    secret = forms.CharField(
        label=_("client secret"),
        max_length=191,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Left empty when changing: the current secret is kept."),
    )
    metadata_url = forms.URLField(
        label=_("identity provider's metadata URL"),
        assume_scheme="https",
        required=False,
        help_text=_("Either this, or the sign-on URL and the certificate below."),
    )
    entity_id = forms.CharField(label=_("identity provider's entity id"), max_length=500, required=False)
    sso_url = forms.URLField(
        label=_("identity provider's sign-on URL"), assume_scheme="https", required=False
    )
    certificate = forms.CharField(
        label=_("identity provider's signing certificate"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = SingleSignOn
        fields = ["organisation", "new_person_role", "passwords_allowed", "show_button"]

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            app = self.instance.app
            idp = app.settings.get("idp", {})
            self.initial.update(
                protocol=app.provider,
                name=app.name,
                server_url=app.settings.get("server_url", ""),
                client_id=app.client_id if app.provider == sign_on.OIDC else "",
                metadata_url=idp.get("metadata_url", ""),
                entity_id=idp.get("entity_id", ""),
                sso_url=idp.get("sso_url", ""),
                certificate=idp.get("x509cert", ""),
            )
            self.fields["organisation"].disabled = True
            self.fields["protocol"].disabled = True

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("protocol") == sign_on.SAML:
            if not data.get("entity_id") or not (
                data.get("metadata_url") or (data.get("sso_url") and data.get("certificate"))
            ):
                raise forms.ValidationError(sign_on.SAML_NEEDS)
            return data
        for field in ("server_url", "client_id"):
            if not data.get(field):
                self.add_error(field, _("Required for OpenID Connect."))
        if not data.get("secret") and not self.instance.pk:
            self.add_error("secret", _("The client secret is required."))
        return data


@admin.register(SingleSignOn)
class SingleSignOnAdmin(admin.ModelAdmin):
    form = SingleSignOnForm
    list_display = ["organisation", "provider_name", "protocol", "new_person_role", "passwords_allowed"]
    readonly_fields = ["callback", "sp_metadata"]
    fieldsets = (
        (
            None,
            {
                "fields": [
                    "organisation",
                    "protocol",
                    "name",
                    "new_person_role",
                    "passwords_allowed",
                    "show_button",
                ]
            },
        ),
        ("OpenID Connect", {"fields": ["server_url", "client_id", "secret"]}),
        ("SAML 2.0", {"fields": ["metadata_url", "entity_id", "sso_url", "certificate"]}),
        (_("To register at the provider"), {"fields": ["callback", "sp_metadata"]}),
    )

    @admin.display(description=_("name on the button"))
    def provider_name(self, obj: SingleSignOn) -> str:
        return obj.app.name

    @admin.display(description=_("protocol"))
    def protocol(self, obj: SingleSignOn) -> str:
        return "SAML 2.0" if obj.app.provider == sign_on.SAML else "OpenID Connect"

    @admin.display(description=_("redirect URL to register at the provider"))
    def callback(self, obj: SingleSignOn) -> str:
        return sign_on.callback_url(obj) if obj.pk else _("Shown once saved.")

    @admin.display(description=_("service provider metadata (SAML)"))
    def sp_metadata(self, obj: SingleSignOn) -> str:
        return (sign_on.metadata_url(obj) or "—") if obj.pk else _("Shown once saved.")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        data = form.cleaned_data
        common = {
            "by": request.user,
            "organisation": obj.organisation,
            "name": data["name"],
            "new_person_role": data["new_person_role"],
            "passwords_allowed": data["passwords_allowed"],
            "show_button": data["show_button"],
        }
        try:
            if data["protocol"] == sign_on.SAML:
                saved = sign_on.configure_saml_sign_on(
                    **common,
                    metadata_url=data["metadata_url"],
                    entity_id=data["entity_id"],
                    sso_url=data["sso_url"],
                    certificate=data["certificate"],
                )
            else:
                saved = sign_on.configure_sign_on(
                    **common,
                    server_url=data["server_url"],
                    client_id=data["client_id"],
                    secret=data["secret"],
                )
        except ComptoirError as error:
            raise PermissionDenied(error.message) from error
        obj.pk, obj.app_id = saved.pk, saved.app_id
