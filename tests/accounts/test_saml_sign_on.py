"""SAML 2.0 single sign-on through allauth's ``saml`` provider (python3-saml, xmlsec): the
request Comptoir sends, and the identity provider's answer — a SAML response whose assertion
is signed with the identity provider's own key (made for the test), validated by
python3-saml as in production. The identity provider here is a few lines of the test
that sign an assertion, not a separate identity provider product."""

from __future__ import annotations

import base64
import datetime
import re
import uuid
import zlib
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from comptoir.accounts import sign_on
from comptoir.accounts.models import User
from tests.pages import by_testid

pytestmark = pytest.mark.django_db

HOST = "support.example"  # python3-saml wants a dotted host name in the service provider's URLs
IDP = "https://idp.paroisse.example/saml"
SLUG = "paroisse-saint-seurin"
ACS = f"http://{HOST}/accounts/saml/{SLUG}/acs/"
SP_ENTITY = f"http://{HOST}/accounts/saml/{SLUG}/metadata/"


class IdentityProvider:
    """Signs assertions with its own key; its certificate is what the administrator gives."""

    def __init__(self) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.paroisse.example")])
        now = datetime.datetime.now(datetime.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .sign(key, hashes.SHA256())
        )
        self.key_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        self.cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def certificate(self) -> str:
        return "".join(line for line in self.cert_pem.splitlines() if "CERTIFICATE" not in line)

    def response(self, *, in_response_to: str, email: str, first_name: str, last_name: str) -> str:
        now = datetime.datetime.now(datetime.UTC)
        at = now.strftime("%Y-%m-%dT%H:%M:%SZ")
        before = (now - datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        later = (now + datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        attributes = "".join(
            f'<saml:Attribute Name="{name}"><saml:AttributeValue xsi:type="xs:string">{value}'
            "</saml:AttributeValue></saml:Attribute>"
            for name, value in (
                ("urn:oid:0.9.2342.19200300.100.1.3", email),
                ("urn:oid:2.5.4.42", first_name),
                ("urn:oid:2.5.4.4", last_name),
            )
        )
        assertion = (
            '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'ID="_a{uuid.uuid4().hex}" Version="2.0" IssueInstant="{at}">'
            f"<saml:Issuer>{IDP}</saml:Issuer>"
            "<saml:Subject>"
            '<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">'
            f"{email}</saml:NameID>"
            '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            f'<saml:SubjectConfirmationData NotOnOrAfter="{later}" Recipient="{ACS}" '
            f'InResponseTo="{in_response_to}"/>'
            "</saml:SubjectConfirmation></saml:Subject>"
            f'<saml:Conditions NotBefore="{before}" NotOnOrAfter="{later}">'
            f"<saml:AudienceRestriction><saml:Audience>{SP_ENTITY}</saml:Audience></saml:AudienceRestriction>"
            "</saml:Conditions>"
            f'<saml:AuthnStatement AuthnInstant="{at}" SessionIndex="_s{uuid.uuid4().hex}">'
            "<saml:AuthnContext>"
            "<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</saml:AuthnContextClassRef>"
            "</saml:AuthnContext></saml:AuthnStatement>"
            f"<saml:AttributeStatement>{attributes}</saml:AttributeStatement>"
            "</saml:Assertion>"
        )
        signed = OneLogin_Saml2_Utils.add_sign(assertion, self.key_pem, self.cert_pem)
        signed_text = signed.decode() if isinstance(signed, bytes) else str(signed)
        signed_text = re.sub(r"^<\?xml[^>]*\?>\s*", "", signed_text)
        return (
            '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
            'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
            f'ID="_r{uuid.uuid4().hex}" Version="2.0" IssueInstant="{at}" Destination="{ACS}" '
            f'InResponseTo="{in_response_to}">'
            f"<saml:Issuer>{IDP}</saml:Issuer>"
            '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
            "</samlp:Status>"
            f"{signed_text}</samlp:Response>"
        )


@pytest.fixture
def idp(desk, settings, client) -> IdentityProvider:  # type: ignore[no-untyped-def]
    settings.ALLOWED_HOSTS = [HOST]
    client.defaults["HTTP_HOST"] = HOST
    desk.parish.email_domains = "paroisse.example"
    desk.parish.save(update_fields=["email_domains"])
    desk.customer.email_domains = "villeneuve.example"
    desk.customer.save(update_fields=["email_domains"])
    provider = IdentityProvider()
    sign_on.configure_saml_sign_on(
        by=desk.admin,
        organisation=desk.parish,
        name="Paroisse (SAML)",
        entity_id=IDP,
        sso_url=f"{IDP}/sso",
        certificate=provider.certificate,
    )
    return provider


def through_the_identity_provider(client, idp: IdentityProvider, email: str, first: str, last: str):  # type: ignore[no-untyped-def]
    start = client.post(f"/accounts/saml/{SLUG}/login/")
    assert start.status_code == 302
    location = start["Location"]
    assert location.startswith(f"{IDP}/sso?")
    request_xml = zlib.decompress(
        base64.b64decode(parse_qs(urlsplit(location).query)["SAMLRequest"][0]), -15
    ).decode()
    assert f'AssertionConsumerServiceURL="{ACS}"' in request_xml
    request_id = re.search(r'ID="([^"]+)"', request_xml).group(1)  # type: ignore[union-attr]
    answer = idp.response(in_response_to=request_id, email=email, first_name=first, last_name=last)
    posted = client.post(
        f"/accounts/saml/{SLUG}/acs/", {"SAMLResponse": base64.b64encode(answer.encode()).decode()}
    )
    assert posted.status_code == 302
    return client.get(posted["Location"])


def test_a_parishioner_signs_in_through_the_parish_saml_provider(desk, idp, client):
    response = through_the_identity_provider(
        client, idp, "helene.lefevre@paroisse.example", "Hélène", "Lefèvre"
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    helene = User.objects.get(email="helene.lefevre@paroisse.example")
    assert (helene.organisation, helene.role, helene.username) == (
        desk.parish,
        User.Role.REQUESTER,
        "helenelefevre",
    )
    assert client.session["_auth_user_id"] == str(helene.pk)
    assert SocialAccount.objects.get(user=helene).provider == SLUG


def test_an_address_of_another_organisation_is_refused_by_saml_too(desk, idp, client):
    users_before = User.objects.count()
    response = through_the_identity_provider(
        client, idp, "lucas.moreau@villeneuve.example", "Lucas", "Moreau"
    )
    assert response.status_code == 403
    assert by_testid(response.content, "sign-on-refused")[0].attrs["data-refusal"] == "other_organisation"
    assert User.objects.count() == users_before
    assert not SocialAccount.objects.exists()


def test_an_answer_signed_by_another_key_is_refused(desk, idp, client):
    forger = IdentityProvider()
    response = through_the_identity_provider(client, forger, "helene.lefevre@paroisse.example", "Hélène", "L")
    assert response.status_code != 302 or "_auth_user_id" not in client.session
    assert by_testid(response.content, "sign-on-failed")
    assert not User.objects.filter(email="helene.lefevre@paroisse.example").exists()
