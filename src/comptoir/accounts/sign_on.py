"""Single sign-on: each organisation's OpenID Connect provider, through django-allauth.

An administrator gives an organisation its provider (``configure_sign_on``, or
``configure_saml_sign_on`` for SAML 2.0): allauth's ``SocialApp`` (provider
``openid_connect`` or ``saml``, one ``provider_id`` per organisation) holds the protocol's
settings, ``SingleSignOn`` links it to the organisation with the role of new
people and whether passwords stay allowed. The organisation's e-mail domains route to it
(``provider_for_address``). What the provider answers is judged by the pure rules of
``sign_on_rules`` (``check_answer``); an accepted newcomer gets an account in the
organisation (``create_person``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.accounts import logins, sign_on_rules
from comptoir.accounts.models import Organisation, SingleSignOn, User
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import PermissionDenied, ValidationError

OIDC = "openid_connect"
SAML = "saml"
SAML_NEEDS = gettext_lazy(
    "Give the identity provider's entity id, and its metadata URL or its sign-on URL and certificate."
)


@dataclass(frozen=True)
class Outcome:
    """A provider's answer judged: the decision, the provider's link, and the existing
    account it leads to (None for a newcomer or a refusal without one)."""

    decision: sign_on_rules.Decision
    sign_on: SingleSignOn | None
    account: User | None


def check_can_configure(by: User) -> None:
    if not (by.is_authenticated and by.is_active and (by.role == User.Role.ADMIN or by.is_superuser)):
        raise PermissionDenied(_("Only an administrator can configure single sign-on."))


def check_server_url(url: str) -> str:
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValidationError(_("The provider's address must be a web address (its issuer URL)."))
    return url


def _new_provider_id(organisation: Organisation) -> str:
    """Stable once created (the provider knows Comptoir's callback address by it)."""
    base = slugify(organisation.name)[:60] or "organisation"
    taken = set(SocialApp.objects.filter(provider_id__startswith=base).values_list("provider_id", flat=True))
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _check_common(by: User, name: str, new_person_role: str) -> str:
    check_can_configure(by)
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("The name shown on the button is required."))
    if new_person_role not in SingleSignOn.NewPersonRole.values:
        raise ValidationError(_("Unknown role."))
    return name


def _existing(organisation: Organisation, protocol: str) -> SingleSignOn | None:
    link = SingleSignOn.objects.select_related("app").filter(organisation=organisation).first()
    if link is not None and link.app.provider != protocol:
        raise ValidationError(
            _("This organisation's provider uses another protocol: delete it first to change protocol.")
        )
    return link


def _save_link(
    link: SingleSignOn | None,
    organisation: Organisation,
    app: SocialApp,
    new_person_role: str,
    passwords: bool,
    show_button: bool,
) -> SingleSignOn:
    link = link or SingleSignOn(organisation=organisation, app=app)
    link.new_person_role = new_person_role
    link.passwords_allowed = passwords
    link.show_button = show_button
    link.save()
    return link


def configure_sign_on(
    *,
    by: User,
    organisation: Organisation,
    name: str,
    server_url: str,
    client_id: str,
    secret: str = "",
    new_person_role: str = SingleSignOn.NewPersonRole.REQUESTER,
    passwords_allowed: bool = True,
    show_button: bool = False,
) -> SingleSignOn:
    """Give an organisation its OpenID Connect provider, or change it. ``name`` is shown
    on the button ("Se connecter avec …"); ``server_url`` is the issuer (allauth reads its
    ``/.well-known/openid-configuration``); an empty ``secret`` keeps the current one.
    PKCE is always used."""
    name = _check_common(by, name, new_person_role)
    client_id = client_id.strip()
    if not client_id:
        raise ValidationError(_("The name shown on the button and the client id are required."))
    server_url = check_server_url(server_url)
    with transaction.atomic():
        link = _existing(organisation, OIDC)
        app = link.app if link else SocialApp(provider=OIDC, provider_id=_new_provider_id(organisation))
        if not (secret or app.secret):
            raise ValidationError(_("The client secret is required."))
        app.name = name[:40]
        app.client_id = client_id
        if secret:
            app.secret = secret.strip()
        app.settings = {**app.settings, "server_url": server_url, "oauth_pkce_enabled": True}
        app.save()
        return _save_link(link, organisation, app, new_person_role, passwords_allowed, show_button)


def configure_saml_sign_on(
    *,
    by: User,
    organisation: Organisation,
    name: str,
    metadata_url: str = "",
    entity_id: str = "",
    sso_url: str = "",
    certificate: str = "",
    new_person_role: str = SingleSignOn.NewPersonRole.REQUESTER,
    passwords_allowed: bool = True,
    show_button: bool = False,
) -> SingleSignOn:
    """Give an organisation its SAML 2.0 identity provider (allauth's ``saml`` provider):
    its entity id, and either its metadata URL or its single sign-on URL and signing
    certificate. The address the IdP asserts (attribute or e-mail NameID) is taken as
    verified by it; the domain rules still apply."""
    name = _check_common(by, name, new_person_role)
    metadata_url, entity_id, certificate = metadata_url.strip(), entity_id.strip(), certificate.strip()
    if entity_id and metadata_url:
        idp = {"entity_id": entity_id, "metadata_url": check_server_url(metadata_url)}
    elif entity_id and sso_url.strip() and certificate:
        idp = {"entity_id": entity_id, "sso_url": check_server_url(sso_url), "x509cert": certificate}
    else:
        raise ValidationError(SAML_NEEDS)
    with transaction.atomic():
        link = _existing(organisation, SAML)
        if link:
            app = link.app
        else:
            slug = _new_provider_id(organisation)
            app = SocialApp(provider=SAML, provider_id=slug, client_id=slug)
        app.name = name[:40]
        app.settings = {**app.settings, "idp": idp, "verified_email": True, "use_nameid_for_email": True}
        app.save()
        return _save_link(link, organisation, app, new_person_role, passwords_allowed, show_button)


def callback_url(link: SingleSignOn) -> str:
    """The redirect URL to register at the provider (for SAML: the assertion consumer
    service; the service provider's metadata is at ``metadata_url``)."""
    if link.app.provider == SAML:
        path = reverse("saml_acs", kwargs={"organization_slug": link.app.client_id})
    else:
        path = reverse("openid_connect_callback", kwargs={"provider_id": link.app.provider_id})
    return settings.COMPTOIR_BASE_URL.rstrip("/") + path


def metadata_url(link: SingleSignOn) -> str | None:
    if link.app.provider != SAML:
        return None
    path = reverse("saml_metadata", kwargs={"organization_slug": link.app.client_id})
    return settings.COMPTOIR_BASE_URL.rstrip("/") + path


def button_app_ids() -> set[int]:
    """The applications whose organisation shows a button on the sign-in page (by default
    none: a button tells every visitor the organisation's name)."""
    return set(
        SingleSignOn.objects.filter(organisation__is_active=True, show_button=True).values_list(
            "app_id", flat=True
        )
    )


def usable_app_ids() -> set[int]:
    """allauth's applications that belong to an active organisation."""
    return set(SingleSignOn.objects.filter(organisation__is_active=True).values_list("app_id", flat=True))


def _organisations_naming(domain: str) -> list[tuple[int, str]]:
    if not domain:
        return []
    return list(
        Organisation.objects.filter(is_active=True, email_domains__icontains=domain).values_list(
            "pk", "email_domains"
        )
    )


def provider_for_address(address: str) -> SingleSignOn | None:
    """The provider of the organisation whose e-mail domains name the address's domain."""
    domain = sign_on_rules.domain_of(address)
    owners = sign_on_rules.owners_of(domain, _organisations_naming(domain))
    if len(owners) != 1:
        return None
    return SingleSignOn.objects.select_related("app", "organisation").filter(organisation__in=owners).first()


def provider_requiring(user: User) -> SingleSignOn | None:
    """The provider a person must sign in through: their organisation's, when it does not
    allow passwords."""
    if user.organisation_id is None:
        return None
    return (
        SingleSignOn.objects.select_related("app")
        .filter(organisation_id=user.organisation_id, passwords_allowed=False)
        .first()
    )


def _account_for(email: str, organisation_id: int) -> User | None:
    """The existing account with this address: the organisation's first, then one without
    an organisation, then any (which the rules refuse)."""
    found = list(User.objects.filter(email__iexact=email).order_by("pk")[:20])

    def rank(user: User) -> int:
        if user.organisation_id == organisation_id:
            return 0
        return 1 if user.organisation_id is None else 2

    return min(found, key=rank, default=None)


def check_answer(*, provider_id: str, email: str, email_verified: bool, connected: User | None) -> Outcome:
    """Judge a provider's answer (``sign_on_rules.decide``). ``connected``: the account
    already connected to this identity at this provider, if any."""
    link = (
        SingleSignOn.objects.select_related("organisation", "app")
        .filter(app__provider__in=(OIDC, SAML), app__provider_id=provider_id)
        .first()
    )
    if link is None or not link.organisation.is_active:
        # An allauth application no organisation owns speaks for no one.
        return Outcome(sign_on_rules.Decision(sign_on_rules.Refusal.WRONG_ORGANISATION), None, None)
    provider = sign_on_rules.Provider(
        organisation_id=link.organisation_id,
        domains=sign_on_rules.parse_domains(link.organisation.email_domains),
        new_person_role=link.new_person_role,
    )
    domain = sign_on_rules.domain_of(email)
    account = connected or (_account_for(email, link.organisation_id) if domain else None)
    decision = sign_on_rules.decide(
        provider,
        sign_on_rules.Answer(email=email, email_verified=email_verified),
        domain_owners=sign_on_rules.owners_of(domain, _organisations_naming(domain)),
        account=(
            sign_on_rules.Account(organisation_id=account.organisation_id, role=account.role)
            if account is not None
            else None
        ),
    )
    return Outcome(decision, link, account if decision.accepted else None)


def welcome_existing(outcome: Outcome) -> User:
    """An accepted existing account; a requester without an organisation joins the
    provider's (its domain says so)."""
    assert outcome.account is not None
    assert outcome.sign_on is not None
    account = outcome.account
    if outcome.decision.joins_organisation:
        account.organisation = outcome.sign_on.organisation
        account.save(update_fields=["organisation"])
    return account


def create_person(
    outcome: Outcome, *, email: str, first_name: str, last_name: str, at: datetime | None = None
) -> User:
    """A newcomer accepted by the rules: an account in the provider's organisation, with
    the role the administrator chose, the login by the organisation's naming rule, and no
    password (they sign in through the provider). Call inside the transaction that
    connects the provider's identity to it."""
    assert outcome.sign_on is not None
    assert outcome.decision.new_role is not None
    organisation = outcome.sign_on.organisation
    first_name, last_name = " ".join(first_name.split()), " ".join(last_name.split())
    if not first_name and not last_name:
        first_name = email.partition("@")[0]
    at = at or clock_now()
    for _attempt in range(3):
        base = logins.base_login(first_name, last_name, organisation.login_rule)
        taken = User.objects.filter(username__istartswith=base).values_list("username", flat=True)
        user = User(
            username=logins.make_login(first_name, last_name, organisation.login_rule, list(taken)),
            first_name=first_name[:150],
            last_name=last_name[:150],
            email=email,
            role=outcome.decision.new_role,
            organisation=organisation,
            language=organisation.language,
            date_joined=at,
        )
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save(force_insert=True)
        except IntegrityError:
            continue  # someone took this login at the same moment: the next suffix
        return user
    raise ValidationError(_("The account could not be created; please try again."))
