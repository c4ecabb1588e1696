"""Personas drawn from the procedures, and the real servers tests talk to.

Two organisations (a parish with its site, a software customer), a requester and an
organisation admin in each, L1/L2/L3 agents in their groups, a supervisor and an admin.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import connection

from comptoir.accounts.models import Organisation, Tier, User
from comptoir.catalog.models import Component, Group, Product
from comptoir.core.transports import MemoryTransport
from comptoir.tickets import services
from comptoir.tickets.models import Ticket
from comptoir.tickets.new_request import NewRequest
from tests.factories import (
    ComponentFactory,
    GroupFactory,
    OrganisationFactory,
    ProductFactory,
    UserFactory,
)
from tests.oidc_provider.process import Client, OidcProvider
from tests.servers import HttpReceiver, SmtpSink, free_port


@dataclass
class Desk:
    parish: Organisation
    customer: Organisation
    requester: User
    site_owner: User
    neighbour: User
    other_admin: User
    l1: User
    l2: User
    l3: User
    supervisor: User
    admin: User
    stranger_agent: User
    group_l1: Group
    group_l2: Group
    group_l3: Group
    group_other: Group
    product: Product
    component: Component
    other_product: Product

    def open(self, requester: User | None = None, **kwargs: object) -> Ticket:
        kwargs.setdefault("subject", "Importer nos contacts dans Mailpoet")
        kwargs.setdefault("body", "Comment importer la liste des paroissiens ?")
        kwargs.setdefault("channel", "portal")
        at = kwargs.pop("at", None)
        for name in ("attachments", "followers"):
            if name in kwargs:
                kwargs[name] = tuple(kwargs[name] or ())  # type: ignore[arg-type]
        request = NewRequest(requester=requester or self.requester, **kwargs)  # type: ignore[arg-type]
        return services.open_ticket(request, at=at)  # type: ignore[arg-type]


# A real SMTP server (aiosmtpd) for the outbound mail tests.
@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpSink]:
    sink = SmtpSink(port=free_port())
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp(smtp_server: SmtpSink, settings) -> SmtpSink:
    """The session's SMTP server, emptied, as the default mailer."""
    smtp_server.received.clear()
    smtp_server.refuse.clear()
    settings.MAILERS = smtp_server.mailers
    return smtp_server


@pytest.fixture
def own_smtp(settings) -> Iterator[SmtpSink]:
    """An SMTP server of the test's own, which the test may stop and start again."""
    sink = SmtpSink(port=free_port())
    sink.start()
    settings.MAILERS = sink.mailers
    yield sink
    sink.stop()


@pytest.fixture
def http_receiver() -> Iterator[HttpReceiver]:
    """A local HTTP server that keeps what is POSTed to it (webhooks, team chat)."""
    receiver = HttpReceiver(port=free_port())
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture(autouse=True)
def _fresh_sla_policies():
    """SLA policies, mail wording, routing rules and rotas, eligibility rules… are cached
    per process (comptoir.core.cache); each test starts afresh."""
    from comptoir.core.cache import forget_all

    forget_all()
    yield
    forget_all()


@pytest.fixture
def desk(db: None) -> Desk:
    parish = OrganisationFactory(name="Paroisse Saint-Seurin", monthly_ticket_quota=20)
    customer = OrganisationFactory(name="Mairie de Villeneuve")
    l1 = UserFactory(username="leaagent", role=User.Role.AGENT, tier=Tier.L1)
    l2 = UserFactory(username="marcagent", role=User.Role.AGENT, tier=Tier.L2)
    l3 = UserFactory(username="sophieagent", role=User.Role.AGENT, tier=Tier.L3)
    stranger_agent = UserFactory(username="autreagent", role=User.Role.AGENT, tier=Tier.L1)
    group_l1 = GroupFactory(name="Pôle maintenance", tier=Tier.L1, members=[l1])
    group_l2 = GroupFactory(name="Service communication", tier=Tier.L2, members=[l2])
    group_l3 = GroupFactory(name="Équipe projet", tier=Tier.L3, members=[l3])
    group_other = GroupFactory(name="Autre équipe", tier=Tier.L1, members=[stranger_agent])
    product = ProductFactory(name="Sites associés WordPress", default_group=group_l1)
    return Desk(
        parish=parish,
        customer=customer,
        requester=UserFactory(username="pierremartin", organisation=parish),
        site_owner=UserFactory(username="mariedupont", organisation=parish, role=User.Role.ORG_ADMIN),
        neighbour=UserFactory(username="lucasmoreau", organisation=customer, language="en"),
        other_admin=UserFactory(username="annedevos", organisation=customer, role=User.Role.ORG_ADMIN),
        l1=l1,
        l2=l2,
        l3=l3,
        supervisor=UserFactory(username="superviseur", role=User.Role.SUPERVISOR),
        admin=UserFactory(username="admin", role=User.Role.ADMIN, is_staff=True, is_superuser=True),
        stranger_agent=stranger_agent,
        group_l1=group_l1,
        group_l2=group_l2,
        group_l3=group_l3,
        group_other=group_other,
        product=product,
        component=ComponentFactory(product=product, name="Mailpoet"),
        other_product=ProductFactory(name="GestPro", default_group=group_other),
    )


@pytest.fixture
def memory_transport(settings: object) -> list[dict[str, object]]:
    settings.COMPTOIR_TRANSPORTS = {"mail": "comptoir.core.transports.MemoryTransport"}  # type: ignore[attr-defined]
    MemoryTransport.sent.clear()
    return MemoryTransport.sent


def flush_mail() -> None:
    """Deliver what the outbox holds so far, then forget it: the next assertions see only
    the mails of the step under test."""
    from django.core import mail

    from comptoir.core import outbox

    outbox.deliver_due()
    mail.outbox.clear()


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgres`` run in the PostgreSQL pass of ``make test`` only; in the
    SQLite pass they are deselected (not skipped: they did not fail, they run elsewhere)."""
    # Likewise, tests marked ``sqlite`` (SQLite's own mechanisms) run in the SQLite pass only.
    other = "sqlite" if on_postgresql() else "postgres"
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker(other) else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


# A real OpenID Connect provider (django-oauth-toolkit, its own process) for single sign-on.
SIGN_ON_CLIENTS = {
    # provider_id (from the organisation's name) -> client id registered at the provider
    "paroisse-saint-seurin": "comptoir-paroisse",
    "comptoir-support": "comptoir-support",
}
SIGN_ON_SECRET = "client-secret-for-tests"


@pytest.fixture(scope="session")
def oidc_provider(live_server) -> Iterator[OidcProvider]:  # type: ignore[no-untyped-def]
    """Started once; it knows Comptoir's callbacks on the test client's host and on the
    live server (``tests/oidc_provider``)."""
    clients = tuple(
        Client(
            client_id=client_id,
            secret=SIGN_ON_SECRET,
            name=f"Comptoir ({provider_id})",
            redirect_uris=tuple(
                f"{host}/accounts/oidc/{provider_id}/login/callback/"
                for host in ("http://testserver", live_server.url)
            ),
        )
        for provider_id, client_id in SIGN_ON_CLIENTS.items()
    )
    provider = OidcProvider(port=free_port(), clients=clients)
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def parish_sign_on(desk: Desk, oidc_provider: OidcProvider):  # type: ignore[no-untyped-def]
    """The parish signs its people in through its provider (domain paroisse.example); the
    town hall's domain is villeneuve.example, without a provider."""
    from comptoir.accounts import sign_on

    desk.parish.email_domains = "paroisse.example"
    desk.parish.save(update_fields=["email_domains"])
    desk.customer.email_domains = "villeneuve.example"
    desk.customer.save(update_fields=["email_domains"])
    return sign_on.configure_sign_on(
        by=desk.admin,
        organisation=desk.parish,
        name="Paroisse Saint-Seurin",
        server_url=oidc_provider.url,
        client_id=SIGN_ON_CLIENTS["paroisse-saint-seurin"],
        secret=SIGN_ON_SECRET,
        show_button=True,
    )
