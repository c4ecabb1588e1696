"""Who a campaign reaches: its sources turned into recipient rows, chunk by chunk (never the
whole list in memory), de-duplicated by the (campaign, email) constraint, without the
addresses that unsubscribed when the campaign is a newsletter (or a notice to a list
whose setting says so).

Selectors for the forms live here too: the latest version of each list, and the default
audience of an outage's notice (procedure 004: "the most recent list of the product's
users").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Lower

from comptoir.accounts.models import User
from comptoir.campaigns.models import (
    AudienceSource,
    Campaign,
    Contact,
    ListVersion,
    Recipient,
    Unsubscription,
)
from comptoir.tickets.models import Ticket

CHUNK = 2000


def latest_versions() -> QuerySet[ListVersion]:
    """The latest imported version of every list."""
    newer = ListVersion.objects.filter(
        contact_list=OuterRef("contact_list"),
        state=ListVersion.State.IMPORTED,
        imported_at__gt=OuterRef("imported_at"),
    )
    return (
        ListVersion.objects.filter(state=ListVersion.State.IMPORTED)
        .filter(~Exists(newer))
        .select_related("contact_list", "contact_list__product")
        .order_by("contact_list__name")
    )


def imported_versions() -> QuerySet[ListVersion]:
    return (
        ListVersion.objects.filter(state=ListVersion.State.IMPORTED)
        .select_related("contact_list")
        .order_by("contact_list__name", "-imported_at")
    )


def default_versions(outage: Any) -> list[ListVersion]:
    """Procedure 004: the latest list of the users of each product the outage affects."""
    product_ids = set(outage.services.values_list("product_id", flat=True))
    return list(latest_versions().filter(contact_list__product_id__in=product_ids))


def _unsubscribed(field: str) -> Exists:
    return Exists(Unsubscription.objects.filter(key=OuterRef(field)))


def _users(queryset: QuerySet[User], *, newsletter: bool) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    queryset = queryset.filter(is_active=True).exclude(email="")
    if newsletter:
        queryset = queryset.annotate(key=Lower("email")).filter(~_unsubscribed("key"))
    rows = queryset.values_list(
        "email", "first_name", "last_name", "username", "language", "organisation__name"
    )
    for email, first, last, username, language, organisation in rows.iterator(chunk_size=CHUNK):
        key = email.strip().lower()
        name = f"{first} {last}".strip() or username
        yield key, name, language, {"organisation": organisation or ""}


def _source_rows(
    source: AudienceSource, *, newsletter: bool
) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    if source.kind == AudienceSource.Kind.LIST_VERSION:
        assert source.version is not None
        contacts = Contact.objects.filter(version=source.version)
        if newsletter or not source.version.contact_list.notices_to_unsubscribed:
            contacts = contacts.filter(~_unsubscribed("key"))
        rows = contacts.order_by("pk").values_list("key", "name", "language", "organisation", "attributes")
        for key, name, language, organisation, attributes in rows.iterator(chunk_size=CHUNK):
            yield key, name, language, {"organisation": organisation, **(attributes or {})}
    elif source.kind == AudienceSource.Kind.ORGANISATION:
        yield from _users(
            User.objects.filter(
                organisation=source.organisation, role__in=[User.Role.REQUESTER, User.Role.ORG_ADMIN]
            ).order_by("pk"),
            newsletter=newsletter,
        )
    elif source.kind == AudienceSource.Kind.PRODUCT_USERS:
        requesters = User.objects.filter(
            Exists(Ticket.objects.filter(requester=OuterRef("pk"), product=source.product))
        ).order_by("pk")
        yield from _users(requesters, newsletter=newsletter)
    elif source.kind == AudienceSource.Kind.CAMPAIGN:
        # The same people as the earlier campaign (the end notice), except the addresses
        # that bounced: a dead mailbox does not come back.
        previous = Recipient.objects.filter(campaign=source.previous).exclude(state=Recipient.State.BOUNCED)
        if newsletter:
            previous = previous.filter(~_unsubscribed("email"))
        rows = previous.order_by("pk").values_list("email", "name", "language", "values")
        for email, name, language, values in rows.iterator(chunk_size=CHUNK):
            yield email, name, language, values or {}


def _chunks(rows: Iterable[Recipient], size: int) -> Iterator[list[Recipient]]:
    chunk: list[Recipient] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def materialise(campaign: Campaign, *, at: datetime) -> int:
    """Write the campaign's recipient rows (idempotent: a rerun after a crash adds only the
    missing ones). Returns how many recipients the campaign has."""
    sources = list(campaign.sources.select_related("version__contact_list"))
    for source in sources:
        rows = (
            Recipient(
                campaign=campaign,
                email=email,
                name=name[:200],
                language=language,
                values=values,
                due_at=at,
            )
            for email, name, language, values in _source_rows(source, newsletter=campaign.is_newsletter)
        )
        for chunk in _chunks(rows, CHUNK):
            Recipient.objects.bulk_create(chunk, ignore_conflicts=True)
    return Recipient.objects.filter(campaign=campaign).count()
