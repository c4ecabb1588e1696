"""Start the test identity provider: ``python -m tests.oidc_provider.serve PORT`` with
OIDC_PROVIDER_DB (an SQLite file) and OIDC_PROVIDER_CLIENTS (JSON: a list of
``{"client_id", "secret", "name", "redirect_uris"}``) in the environment. A new RS256 key,
the database, the people of ``people.PEOPLE`` and the clients are made, then Django's
development server answers on 127.0.0.1:PORT until the process is stopped."""

from __future__ import annotations

import json
import os
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def rsa_private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def prepare() -> None:
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    from tests.oidc_provider.people import PASSWORD, PEOPLE

    call_command("migrate", verbosity=0, interactive=False)
    unverified, _created = Group.objects.get_or_create(name="unverified")
    for person in PEOPLE:
        user = User.objects.create_user(
            person.login,
            person.email,
            PASSWORD,
            first_name=person.first_name,
            last_name=person.last_name,
        )
        if not person.verified:
            user.groups.add(unverified)
    for client in json.loads(os.environ["OIDC_PROVIDER_CLIENTS"]):
        Application.objects.create(
            name=client["name"],
            client_id=client["client_id"],
            client_secret=client["secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(client["redirect_uris"]),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=False,
        )


def main() -> None:
    port = int(sys.argv[1])
    os.environ["OIDC_RSA_PRIVATE_KEY"] = rsa_private_key()
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django

    django.setup()
    prepare()
    from django.core.management import call_command

    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, skip_checks=True)


if __name__ == "__main__":
    main()
