"""Fixtures of the campaign tests: an outage on the desk's product, a contact list of the
product's users imported from CSV, and a helper to import more."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from comptoir.campaigns import imports
from comptoir.campaigns.models import ContactList, ListVersion
from comptoir.outages.models import Outage, Service

T0 = datetime(2026, 6, 2, 8, 30, tzinfo=UTC)  # Tuesday 2 June 2026, 10:30 in Paris


def import_csv(
    by: object, contact_list: ContactList, data: bytes | str, *, filename: str = "contacts.csv"
) -> ListVersion:
    """Upload then import with the guessed mapping, as an agent accepting the mapping step."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    version = imports.upload(contact_list=contact_list, by=by, filename=filename, data=raw)
    return imports.run_import(
        version, by=by, mapping=version.mapping, has_header=version.has_header, delimiter=version.delimiter
    )


def addresses(n: int, *, domain: str = "example.net") -> list[str]:
    return [f"usager{i:05d}@{domain}" for i in range(n)]


def csv_of(emails: list[str]) -> str:
    return "email;nom;structure\n" + "".join(f"{e};Usager {i};CCAS {i % 7}\n" for i, e in enumerate(emails))


@pytest.fixture(autouse=True)
def _campaign_settings(settings):
    settings.COMPTOIR_CAMPAIGN_RATE = 0  # no limit unless a test sets one
    settings.COMPTOIR_CAMPAIGN_BATCH = 100
    settings.COMPTOIR_BASE_URL = "https://comptoir.example.org"


@pytest.fixture
def service(desk) -> Service:
    return Service.objects.create(name="Reconnect Pro", product=desk.product)


@pytest.fixture
def outage(desk, service) -> Outage:
    outage = Outage.objects.create(
        title="Reconnect Pro inaccessible",
        kind=Outage.Kind.HOSTING,
        started_at=T0,
        cause="Panne électrique dans le centre de données",
        host="OVHcloud",
        declared_by=desk.supervisor,
        created_at=T0,
    )
    outage.services.add(service)
    return outage


@pytest.fixture
def users_list(desk) -> ContactList:
    return imports.create_list(by=desk.supervisor, name="Utilisateurs RP", product=desk.product)
