"""Single sign-on through an organisation's OpenID Connect provider: a real provider
(django-oauth-toolkit, its own process, ``tests/oidc_provider``) answers; the person signs
in at the provider and consents with an HTTP client, Comptoir is driven by Django's test
client. The organisation's people land in it with the right role; an address of another
organisation, of no organisation or not verified is refused with a clear page, and nothing
is created."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount, SocialApp

from comptoir.accounts import sign_on
from comptoir.accounts.models import Organisation, SingleSignOn, User
from comptoir.core.errors import PermissionDenied, ValidationError
from tests.conftest import SIGN_ON_CLIENTS, SIGN_ON_SECRET
from tests.factories import OrganisationFactory
from tests.oidc_provider import people
from tests.pages import by_testid

INPUT = re.compile(r"<input[^>]*>")
ATTR = re.compile(r'(\w+)="([^"]*)"')


def form_fields(html: str) -> dict[str, str]:
    fields = {}
    for tag in INPUT.findall(html):
        attrs = dict(ATTR.findall(tag))
        if "name" in attrs and attrs.get("type") != "submit":
            fields[attrs["name"]] = unescape(attrs.get("value", ""))
    return fields


def at_the_provider(authorize_url: str, person: people.Person) -> str:
    """The person signs in at the provider and consents; returns the path (and query)
    the provider sends the browser back to, on Comptoir."""
    idp = requests.Session()
    login_page = idp.get(authorize_url, timeout=10)
    assert "/login/" in login_page.url
    consent = idp.post(
        login_page.url,
        data={**form_fields(login_page.text), "username": person.login, "password": people.PASSWORD},
        headers={"Referer": login_page.url},
        timeout=10,
    )
    assert 'name="allow"' in consent.text, consent.text[:500]
    back = idp.post(
        consent.url,
        data={**form_fields(consent.text), "allow": "Authorize"},
        headers={"Referer": consent.url},
        allow_redirects=False,
        timeout=10,
    )
    location = back.headers["Location"]
    assert location.startswith("http://testserver/accounts/oidc/"), location
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"


def sign_in_through_provider(client, person: people.Person, *, typed: str | None = None):  # type: ignore[no-untyped-def]
    """Types the address on Comptoir's login page with no password, goes through the
    provider, and returns Comptoir's answer to the provider's redirect."""
    start = client.post("/accounts/login/", {"login": typed or person.email, "password": ""})
    assert start.status_code == 302, start.content[:300]
    assert start["Location"].startswith("http://127.0.0.1:"), start["Location"]
    return client.get(at_the_provider(start["Location"], person))


def signed_in_user(client) -> User | None:  # type: ignore[no-untyped-def]
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


pytestmark = pytest.mark.django_db


def test_a_parishioner_signs_in_through_the_parish_provider_and_lands_in_the_parish_as_requester(
    desk, parish_sign_on, client
):
    response = sign_in_through_provider(client, people.HELENE)
    assert response.status_code == 302
    helene = signed_in_user(client)
    assert helene is not None
    assert (helene.email, helene.first_name, helene.last_name) == (
        people.HELENE.email,
        "Hélène",
        "Lefèvre",
    )
    assert helene.organisation == desk.parish
    assert helene.role == User.Role.REQUESTER
    assert helene.username == "helenelefevre"  # the organisation's naming rule
    assert not helene.has_usable_password()
    assert SocialAccount.objects.get(user=helene).provider == "paroisse-saint-seurin"
    assert client.get("/portal/").status_code == 200

    # The second time, the same account: nothing duplicated.
    client.logout()
    sign_in_through_provider(client, people.HELENE)
    assert signed_in_user(client) == helene
    assert User.objects.filter(email__iexact=people.HELENE.email).count() == 1


def test_an_existing_account_with_the_same_address_is_connected_not_duplicated(desk, parish_sign_on, client):
    pierre = desk.requester
    pierre.email = people.PIERRE.email
    pierre.save(update_fields=["email"])
    sign_in_through_provider(client, people.PIERRE)
    assert signed_in_user(client) == pierre
    assert User.objects.filter(email__iexact=people.PIERRE.email).count() == 1
    assert SocialAccount.objects.get(provider="paroisse-saint-seurin").user == pierre
    pierre.refresh_from_db()
    assert pierre.has_usable_password()  # passwords stay allowed: his still works
    client.logout()
    assert (
        client.post("/accounts/login/", {"login": "pierremartin", "password": "secret-pass-123"}).status_code
        == 302
    )


def test_the_login_button_goes_through_the_provider_too(desk, parish_sign_on, client):
    page = client.get("/accounts/login/")
    (buttons,) = by_testid(page.content, "sign-on-buttons")
    assert "Se connecter avec Paroisse Saint-Seurin" in buttons.text
    start = client.post("/accounts/oidc/paroisse-saint-seurin/login/")
    assert start.status_code == 302
    client.get(at_the_provider(start["Location"], people.HELENE))
    assert signed_in_user(client).organisation == desk.parish


@pytest.mark.parametrize(
    ("person", "refusal"),
    [
        (people.LUCAS_OTHER_ORGANISATION, "other_organisation"),
        (people.JEAN_NO_ORGANISATION, "unknown_domain"),
        (people.PAUL_UNVERIFIED, "unverified"),
    ],
)
def test_a_refused_answer_shows_a_clear_page_and_creates_nothing(
    desk, parish_sign_on, client, person, refusal
):
    users_before = User.objects.count()
    # The provider's button, since these addresses are not the parish's domain.
    start = client.post("/accounts/oidc/paroisse-saint-seurin/login/")
    response = client.get(at_the_provider(start["Location"], person))
    assert response.status_code == 403
    (message,) = by_testid(response.content, "sign-on-refused")
    assert message.attrs["data-refusal"] == refusal
    assert person.email in message.text
    assert "aucun compte n'a été créé" in response.content.decode()
    assert signed_in_user(client) is None
    assert User.objects.count() == users_before
    assert not SocialAccount.objects.exists()


def test_an_account_of_another_organisation_is_not_signed_in_by_the_parish_provider(
    desk, parish_sign_on, client
):
    # Someone of the town hall whose account carries an address of the parish's domain.
    desk.neighbour.email = people.PIERRE.email
    desk.neighbour.save(update_fields=["email"])
    start = client.post("/accounts/oidc/paroisse-saint-seurin/login/")
    response = client.get(at_the_provider(start["Location"], people.PIERRE))
    assert response.status_code == 403
    assert by_testid(response.content, "sign-on-refused")[0].attrs["data-refusal"] == "wrong_organisation"
    assert signed_in_user(client) is None
    assert not SocialAccount.objects.exists()


def test_the_support_team_provider_makes_agents(desk, oidc_provider, client):
    support = OrganisationFactory(name="Comptoir Support", email_domains="comptoir-support.example")
    sign_on.configure_sign_on(
        by=desk.admin,
        organisation=support,
        name="Équipe support",
        server_url=oidc_provider.url,
        client_id=SIGN_ON_CLIENTS["comptoir-support"],
        secret=SIGN_ON_SECRET,
        new_person_role=SingleSignOn.NewPersonRole.AGENT,
    )
    sign_in_through_provider(client, people.LEA_SUPPORT)
    lea = signed_in_user(client)
    assert (lea.role, lea.organisation) == (User.Role.AGENT, support)
    assert client.get("/desk/").status_code == 200


def test_without_passwords_the_organisation_signs_in_through_its_provider_only(desk, parish_sign_on, client):
    parish_sign_on.passwords_allowed = False
    parish_sign_on.save(update_fields=["passwords_allowed"])
    # The right password of a parishioner: sent to the provider instead.
    answer = client.post("/accounts/login/", {"login": "pierremartin", "password": "secret-pass-123"})
    assert answer.status_code == 302
    assert answer["Location"].startswith(oidc_provider_url(parish_sign_on))
    assert signed_in_user(client) is None
    # The town hall's people keep their passwords.
    assert (
        client.post("/accounts/login/", {"login": "lucasmoreau", "password": "secret-pass-123"}).status_code
        == 302
    )
    assert signed_in_user(client) == desk.neighbour


def oidc_provider_url(link: SingleSignOn) -> str:
    return link.app.settings["server_url"]


def test_with_a_password_the_parish_people_sign_in_as_before(desk, parish_sign_on, client):
    desk.requester.email = "pierre.martin@paroisse.example"
    desk.requester.save(update_fields=["email"])
    answer = client.post("/accounts/login/", {"login": desk.requester.email, "password": "secret-pass-123"})
    assert answer.status_code == 302
    assert signed_in_user(client) == desk.requester


def test_only_an_administrator_configures_a_provider(desk):
    with pytest.raises(PermissionDenied):
        sign_on.configure_sign_on(
            by=desk.site_owner,
            organisation=desk.parish,
            name="Paroisse",
            server_url="https://idp.paroisse.example",
            client_id="x",
            secret="y",
        )
    with pytest.raises(ValidationError):
        sign_on.configure_sign_on(
            by=desk.admin,
            organisation=desk.parish,
            name="Paroisse",
            server_url="idp.paroisse.example",
            client_id="x",
            secret="y",
        )
    assert not SocialApp.objects.exists()


def test_the_configuration_is_an_allauth_application_per_organisation(desk, settings):
    settings.COMPTOIR_BASE_URL = "https://support.example"
    link = sign_on.configure_sign_on(
        by=desk.admin,
        organisation=desk.parish,
        name="Paroisse",
        server_url="https://idp.paroisse.example/",
        client_id="comptoir",
        secret="s3cret",
    )
    app = SocialApp.objects.get()
    assert (app.provider, app.provider_id, app.client_id, app.secret) == (
        "openid_connect",
        "paroisse-saint-seurin",
        "comptoir",
        "s3cret",
    )
    assert app.settings == {"server_url": "https://idp.paroisse.example", "oauth_pkce_enabled": True}
    assert sign_on.callback_url(link) == (
        "https://support.example/accounts/oidc/paroisse-saint-seurin/login/callback/"
    )
    # Changed without retyping the secret: the same application, the secret kept.
    sign_on.configure_sign_on(
        by=desk.admin,
        organisation=desk.parish,
        name="Paroisse (Entra ID)",
        server_url="https://idp.paroisse.example",
        client_id="comptoir-2",
    )
    app.refresh_from_db()
    assert (app.name, app.client_id, app.secret) == ("Paroisse (Entra ID)", "comptoir-2", "s3cret")
    assert SocialApp.objects.count() == 1
    # Another organisation of a similar name gets its own provider id.
    other = OrganisationFactory(name="Paroisse Saint Seurin")
    second = sign_on.configure_sign_on(
        by=desk.admin, organisation=other, name="B", server_url="https://b.example", client_id="b", secret="b"
    )
    assert second.app.provider_id == "paroisse-saint-seurin-2"


def test_the_administration_edits_a_provider_and_shows_the_redirect_url(desk, client, settings):
    settings.COMPTOIR_BASE_URL = "https://support.example"
    client.force_login(desk.admin)
    response = client.post(
        "/admin/accounts/singlesignon/add/",
        {
            "organisation": desk.parish.pk,
            "protocol": "openid_connect",
            "name": "Paroisse Saint-Seurin",
            "server_url": "https://login.microsoftonline.com/tenant/v2.0",
            "client_id": "comptoir",
            "secret": "s3cret",
            "new_person_role": "requester",
            "passwords_allowed": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    link = SingleSignOn.objects.get()
    assert link.app.settings["server_url"] == "https://login.microsoftonline.com/tenant/v2.0"
    page = client.get(f"/admin/accounts/singlesignon/{link.pk}/change/").content.decode()
    assert "https://support.example/accounts/oidc/paroisse-saint-seurin/login/callback/" in page
    assert "s3cret" not in page


def test_an_address_routes_to_the_provider_of_its_domain_only(desk, parish_sign_on):
    assert sign_on.provider_for_address("Quelqu.Un@Paroisse.Example") == parish_sign_on
    assert sign_on.provider_for_address("lucas@villeneuve.example") is None
    assert sign_on.provider_for_address("pierremartin") is None
    # A domain two organisations name routes nowhere.
    Organisation.objects.filter(pk=desk.customer.pk).update(
        email_domains="villeneuve.example, paroisse.example"
    )
    assert sign_on.provider_for_address("quelqu.un@paroisse.example") is None


def test_a_returning_person_whose_account_moved_elsewhere_is_refused(desk, parish_sign_on, client):
    sign_in_through_provider(client, people.HELENE)
    helene = signed_in_user(client)
    client.logout()
    User.objects.filter(pk=helene.pk).update(organisation=desk.customer)
    start = client.post("/accounts/oidc/paroisse-saint-seurin/login/")
    response = client.get(at_the_provider(start["Location"], people.HELENE))
    assert response.status_code == 403
    assert signed_in_user(client) is None


def self_signed_certificate() -> str:
    """An identity provider's signing certificate (PEM body), made for the test."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.paroisse.example")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    return "".join(line for line in pem.splitlines() if "CERTIFICATE" not in line)


def test_an_organisation_can_use_a_saml_identity_provider(desk, client, settings):
    """SAML 2.0 through allauth's ``saml`` provider (python3-saml): the configuration, the
    service provider's metadata and the request sent to the identity provider. No real
    identity provider answers in the tests: the assertion's return is not covered here."""
    import base64
    import zlib
    from urllib.parse import parse_qs

    # python3-saml wants a dotted host name in the service provider's addresses.
    settings.ALLOWED_HOSTS = ["support.example"]
    client.defaults["HTTP_HOST"] = "support.example"
    desk.parish.email_domains = "paroisse.example"
    desk.parish.save(update_fields=["email_domains"])
    link = sign_on.configure_saml_sign_on(
        by=desk.admin,
        organisation=desk.parish,
        name="Paroisse (SAML)",
        entity_id="https://idp.paroisse.example/saml",
        sso_url="https://idp.paroisse.example/saml/sso",
        certificate=self_signed_certificate(),
    )
    app = link.app
    assert (app.provider, app.provider_id, app.client_id) == (
        "saml",
        "paroisse-saint-seurin",
        "paroisse-saint-seurin",
    )
    assert app.settings["verified_email"] is True
    assert sign_on.callback_url(link).endswith("/accounts/saml/paroisse-saint-seurin/acs/")

    metadata = client.get("/accounts/saml/paroisse-saint-seurin/metadata/")
    assert metadata.status_code == 200
    assert b"http://support.example/accounts/saml/paroisse-saint-seurin/acs/" in metadata.content

    start = client.post("/accounts/login/", {"login": "quelqu.un@paroisse.example", "password": ""})
    assert start.status_code == 302
    location = start["Location"]
    assert location.startswith("https://idp.paroisse.example/saml/sso?")
    request_xml = zlib.decompress(
        base64.b64decode(parse_qs(urlsplit(location).query)["SAMLRequest"][0]), -15
    ).decode()
    assert (
        'AssertionConsumerServiceURL="http://support.example/accounts/saml/paroisse-saint-seurin/acs/"'
        in request_xml
    )

    # The same organisation cannot silently switch protocol.
    with pytest.raises(ValidationError):
        sign_on.configure_sign_on(
            by=desk.admin,
            organisation=desk.parish,
            name="Paroisse",
            server_url="https://idp.paroisse.example",
            client_id="x",
            secret="y",
        )


def test_an_inactive_organisation_has_no_button_and_no_way_in(desk, parish_sign_on, client):
    Organisation.objects.filter(pk=desk.parish.pk).update(is_active=False)
    page = client.get("/accounts/login/")
    assert not by_testid(page.content, "sign-on-buttons")
    assert client.post("/accounts/oidc/paroisse-saint-seurin/login/").status_code == 404
    typed = client.post("/accounts/login/", {"login": people.HELENE.email, "password": ""})
    assert typed.status_code == 200  # the form again, nobody sent anywhere


def test_by_default_the_sign_in_page_names_no_organisation(desk, parish_sign_on, client):
    """A button would tell every visitor which organisations are customers: without it, the
    parish's people type their address and are sent to its provider all the same."""
    parish_sign_on.show_button = False
    parish_sign_on.save(update_fields=["show_button"])
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Paroisse Saint-Seurin" not in page
    assert by_testid(page.encode(), "sign-on-hint")  # the way in is still explained
    typed = client.post("/accounts/login/", {"login": people.HELENE.email, "password": ""})
    assert typed.status_code == 302
    assert typed["Location"].startswith(parish_sign_on.app.settings["server_url"])
