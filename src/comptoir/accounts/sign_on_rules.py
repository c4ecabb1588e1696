"""Single sign-on (pure): who an organisation's identity provider may sign in, and as whom.

An organisation's provider (OpenID Connect) speaks for the organisation's e-mail domains
only. Its answer is accepted when:

- it carries an e-mail address the provider says it verified (``email_verified``);
- the address's domain is one of the organisation's domains — an address of another
  organisation's domain, or of a domain no organisation of this provider names, is refused;
- the account it leads to (already connected to the provider, or with the same address)
  belongs to that organisation: a provider never signs anyone into another organisation's
  account, and a customer's provider never signs into the support team's accounts.

A person without an account gets one in the organisation, with the role the administrator
chose for the provider (requester; agent for the support team's own organisation). A
requester without an organisation whose address is in the domain joins it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

REQUESTER = "requester"
ORG_ADMIN = "org_admin"
AGENT = "agent"
CUSTOMER_ROLES = frozenset({REQUESTER, ORG_ADMIN})
NEW_PERSON_ROLES = frozenset({REQUESTER, AGENT})


class Refusal(StrEnum):
    NO_ADDRESS = "no_address"
    UNVERIFIED = "unverified"
    OTHER_ORGANISATION = "other_organisation"
    UNKNOWN_DOMAIN = "unknown_domain"
    WRONG_ORGANISATION = "wrong_organisation"


@dataclass(frozen=True)
class Provider:
    """An organisation's provider as the rules see it."""

    organisation_id: int
    domains: frozenset[str]
    new_person_role: str = REQUESTER

    @property
    def is_staff_provider(self) -> bool:
        return self.new_person_role == AGENT


@dataclass(frozen=True)
class Answer:
    """What the provider said about the person."""

    email: str
    email_verified: bool


@dataclass(frozen=True)
class Account:
    """The account the answer leads to, if any."""

    organisation_id: int | None
    role: str


@dataclass(frozen=True)
class Decision:
    refusal: Refusal | None = None
    # A new account is created with this role (None: the existing account is used).
    new_role: str | None = None
    # The existing account, without an organisation, joins the provider's.
    joins_organisation: bool = False

    @property
    def accepted(self) -> bool:
        return self.refusal is None


def parse_domains(text: str) -> frozenset[str]:
    """``"paroisse.example, Saint-Seurin.example"`` -> the lower-case domains."""
    return frozenset(d.strip().lower().lstrip("@") for d in text.split(",") if d.strip())


def domain_of(address: str) -> str:
    local, at, domain = address.strip().rpartition("@")
    return domain.lower() if at and local and domain else ""


def owners_of(domain: str, organisations: Iterable[tuple[int, str]]) -> frozenset[int]:
    """The organisations (id, comma-separated domains) that name ``domain``."""
    return frozenset(pk for pk, domains in organisations if domain and domain in parse_domains(domains))


def decide(
    provider: Provider, answer: Answer, *, domain_owners: frozenset[int], account: Account | None
) -> Decision:
    """Accept or refuse a provider's answer (see the module's docstring).

    ``domain_owners``: the organisations whose e-mail domains include the address's domain.
    ``account``: the account already connected to this provider's identity, else the one
    with the same address, else None.
    """
    domain = domain_of(answer.email)
    if not domain:
        return Decision(Refusal.NO_ADDRESS)
    if not answer.email_verified:
        return Decision(Refusal.UNVERIFIED)
    if domain_owners - {provider.organisation_id}:
        return Decision(Refusal.OTHER_ORGANISATION)
    if domain not in provider.domains:
        return Decision(Refusal.UNKNOWN_DOMAIN)
    if account is None:
        role = provider.new_person_role if provider.new_person_role in NEW_PERSON_ROLES else REQUESTER
        return Decision(new_role=role)
    if account.organisation_id == provider.organisation_id:
        if account.role in CUSTOMER_ROLES or provider.is_staff_provider:
            return Decision()
        return Decision(Refusal.WRONG_ORGANISATION)
    if account.organisation_id is None and account.role == REQUESTER:
        return Decision(joins_organisation=True)
    if account.organisation_id is None and provider.is_staff_provider and account.role not in CUSTOMER_ROLES:
        # The support team's people, set up before their organisation was: signed in, unchanged.
        return Decision()
    return Decision(Refusal.WRONG_ORGANISATION)
