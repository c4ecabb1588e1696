"""The help button's rules: which site asks (key, active), from where (allowed origins), for
whom (the identity the site signed, matched to a requester of the site's organisation), and
the short-lived panel session that carries these facts from one request to the next.

Tickets go through ``admission.submit`` like every channel (eligibility, quota, number at
once, acknowledgement mail); unsigned use goes through the contact form's
``submit_contact`` (mailed confirmation, spam guard, rate limits).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.accounts import services as accounts
from comptoir.accounts.models import Organisation, User
from comptoir.admission import services as admission
from comptoir.contact import services as contact
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import NotFound, PermissionDenied
from comptoir.tickets.new_request import NewRequest
from comptoir.tickets.vocabulary import Channel, TicketType
from comptoir.widget import identity, origins
from comptoir.widget.models import Site

if TYPE_CHECKING:
    from comptoir.admission.models import HeldRequest
    from comptoir.catalog.models import Component, Product
    from comptoir.contact.models import ContactRequest
    from comptoir.tickets.attachments import IncomingFile
    from comptoir.tickets.models import Ticket

SESSION_MAX_AGE = 2 * 3600  # seconds: a panel left open all afternoon asks to be reopened
MAX_PAGE_URL = 2000
MAX_BROWSER = 500


class IdentityRefused(PermissionDenied):
    pass


class SessionRefused(PermissionDenied):
    pass


def _identity_messages() -> dict[identity.Problem, str]:
    P = identity.Problem
    return {
        P.MALFORMED: _("The identity sent by the site cannot be read."),
        P.ALGORITHM: _("The identity sent by the site is not signed the expected way (HS256)."),
        P.SIGNATURE: _("The identity sent by the site is not signed with its secret."),
        P.NO_EXPIRY: _("The identity sent by the site has no expiry time (exp)."),
        P.EXPIRED: _("The identity sent by the site has expired. Please reload the page."),
        P.TOO_LONG: _("The identity sent by the site is valid for too long (24 hours at most)."),
        P.NOT_YET_VALID: _("The identity sent by the site is not valid yet: check the site's clock."),
        P.NO_EMAIL: _("The identity sent by the site has no valid e-mail address."),
    }


def site_for_key(key: str) -> Site:
    """The active site with this public key, of an active organisation, or NotFound."""
    site = (
        Site.objects.select_related("organisation", "product")
        .filter(key=key, is_active=True, organisation__is_active=True)
        .first()
    )
    if site is None:
        raise NotFound(_("This help button is not (or no longer) active."))
    return site


def check_origin(site: Site, origin: str) -> str:
    """The help button works only on the site's allowed origins: exact match of
    scheme://host[:port]; an empty list allows none. Returns the normalised origin."""
    normalised = origins.normalise(origin) if origin else None
    if normalised is None or normalised not in site.origins:
        raise PermissionDenied(_("The help button is not allowed on this site."))
    return normalised


def identify(site: Site, token: str, *, at: datetime | None = None) -> User:
    """The requester the site vouches for: the account with that address in the site's
    organisation (case-insensitive), created as a requester of it when there is none. A
    site never acts for someone outside its organisation: an address of the support team
    or of another organisation's account is refused."""
    at = at or clock_now()
    try:
        person = identity.verify(token, secret=site.secret, at=at)
    except identity.InvalidIdentity as exc:
        raise IdentityRefused(_identity_messages()[exc.problem]) from None
    user = _match(site, person.email)
    if user is not None:
        return user

    first, last = _names(person)
    with transaction.atomic():
        # Two first clicks at once (two tabs): the second waits for the first creation,
        # then finds the account instead of making a twin with the same address.
        Organisation.objects.select_for_update().filter(pk=site.organisation_id).first()
        user = _match(site, person.email)
        if user is not None:
            return user
        return accounts.create_requester(
            first_name=first,
            last_name=last,
            email=person.email,
            organisation=site.organisation,
            at=at,
        )


def _match(site: Site, email: str) -> User | None:
    accounts = list(User.objects.filter(email__iexact=email).order_by("pk"))
    if any(u.is_staff_member for u in accounts):
        raise IdentityRefused(
            _("This address belongs to a member of the support team: it cannot be used on a site.")
        )
    own = [u for u in accounts if u.organisation_id == site.organisation_id]
    if not own and accounts:
        raise IdentityRefused(
            _(
                "This address belongs to an account outside %(organisation)s. "
                "Please contact the support team by e-mail."
            )
            % {"organisation": site.organisation.name}
        )
    active = [u for u in own if u.is_active]
    if own and not active:
        raise IdentityRefused(_("This account is disabled. Please contact your site's administrator."))
    return active[0] if active else None


def _names(person: identity.Identity) -> tuple[str, str]:
    """First and last name from ``name`` (« Marie Dupont »), else from the address
    (marie.dupont@… gives Marie Dupont)."""
    if person.name:
        first, _space, last = person.name.partition(" ")
        return first, last or first
    local = person.email.rpartition("@")[0].split("+", 1)[0]
    words = [w for w in local.replace("_", ".").split(".") if w] or [local]
    first, last = words[0], " ".join(words[1:]) or words[0]
    return first.title(), last.title()


@dataclass(frozen=True)
class Session:
    """What the panel's session token carries: who (``user`` None: unsigned use), on
    which page of which origin, in which language."""

    site: Site
    user: User | None
    page_url: str
    origin: str
    language: str


def _salt(site: Site) -> str:
    # Per site (and per key): a token of one site is worthless on another.
    return f"comptoir.widget.session:{site.pk}:{site.key}"


def open_session(site: Site, *, user: User | None, origin: str, page_url: str, language: str) -> str:
    """The signed token the panel sends back with each search and request (valid 2 hours)."""
    if origins.of_url(page_url) != origin:
        page_url = ""  # only an address of the page the button sits on is kept
    payload = {
        "site": site.pk,
        "user": user.pk if user is not None else None,
        "page": page_url[:MAX_PAGE_URL],
        "origin": origin,
        "lang": language,
    }
    return signing.dumps(payload, salt=_salt(site), compress=True)


def read_session(site: Site, token: str) -> Session:
    """The session a token carries, if this site signed it less than 2 hours ago and the
    origin and the person may still use it."""
    expired = _("This window has been open too long. Please close it and open it again.")
    try:
        payload = signing.loads(token, salt=_salt(site), max_age=SESSION_MAX_AGE)
    except signing.SignatureExpired:
        raise SessionRefused(expired) from None
    except signing.BadSignature:
        raise SessionRefused(_("This request does not come from the help button of this site.")) from None
    if not isinstance(payload, dict) or payload.get("site") != site.pk:
        raise SessionRefused(_("This request does not come from the help button of this site."))
    if payload.get("origin") not in site.origins:  # the origin was removed from the list since
        raise SessionRefused(_("The help button is not allowed on this site."))
    user = None
    if payload.get("user") is not None:
        user = (
            User.objects.select_related("organisation")
            .filter(pk=payload["user"], is_active=True, organisation_id=site.organisation_id)
            .first()
        )
        if user is None or user.is_staff_member:
            raise SessionRefused(expired)
    return Session(
        site=site,
        user=user,
        page_url=str(payload.get("page") or ""),
        origin=str(payload.get("origin") or ""),
        language=str(payload.get("lang") or ""),
    )


def open_ticket(
    session: Session,
    *,
    subject: str,
    body: str,
    browser: str,
    type: str = TicketType.QUESTION,
    product: Product | None = None,
    component: Component | None = None,
    is_urgent: bool = False,
    attachments: list[IncomingFile] | None = None,
    details: Mapping[str, str] | None = None,
    at: datetime | None = None,
) -> Ticket | HeldRequest:
    """A ticket (channel "widget") for the signed person, with the page it was asked from
    and the browser (``details``: ``page_url``, ``browser``, merged with the facts of the
    request form), through the same admission as every channel: kept instead
    (``HeldRequest``) when eligibility or the quota say so."""

    if session.user is None:
        raise SessionRefused(_("This request does not come from the help button of this site."))
    # What the person gave on the request form wins (they saw it, prefilled, and kept it).
    facts = _known_facts(session, browser) | {k: v for k, v in (details or {}).items() if v}
    request = NewRequest(
        requester=session.user,
        subject=subject,
        body=body,
        channel=Channel.WIDGET,
        type=type,
        product=product,
        component=component,
        is_urgent=is_urgent,
        attachments=tuple(attachments or ()),
        details=facts,
    )
    return admission.submit(request, at=at)


def _known_facts(session: Session, browser: str) -> dict[str, str]:
    """What the help button knows by itself: the host page and the browser."""
    known = {"page_url": session.page_url, "browser": " ".join(browser.split())[:MAX_BROWSER]}
    return {k: v for k, v in known.items() if v}


def send_contact(
    session: Session,
    *,
    name: str,
    email: str,
    subject: str,
    body: str,
    client: str,
    form_token_value: str,
    honeypot: str = "",
    product: Product | None = None,
    browser: str = "",
    at: datetime | None = None,
) -> ContactRequest:
    """Unsigned use: the contact form's path (confirmation mailed to the address, spam
    guard, rate limits), naming the site's organisation."""

    return contact.submit_contact(
        name=name,
        email=email,
        subject=subject,
        body=body,
        client=client,
        form_token_value=form_token_value,
        honeypot=honeypot,
        organisation_name=session.site.organisation.name,
        product=product,
        language=session.language or "fr",
        channel=Channel.WIDGET,
        details=_known_facts(session, browser),
        at=at,
    )
