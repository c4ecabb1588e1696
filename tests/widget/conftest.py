"""A parish site with the help button (procedure 000: the "?" of each site's back office)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from comptoir.core.clock import now
from comptoir.widget.identity import sign
from comptoir.widget.models import Site

ORIGIN = "https://www.paroisse-exemple.fr"
PAGE = f"{ORIGIN}/wp-admin/post.php?post=12&action=edit"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"

SignIdentity = Callable[..., str]


@pytest.fixture
def site(desk) -> Site:
    return Site.objects.create(
        name="Site de la paroisse Saint-Seurin",
        organisation=desk.parish,
        product=desk.product,
        allowed_origins=ORIGIN,
    )


@pytest.fixture
def signed(site: Site) -> SignIdentity:
    """``signed(email=…, name=…)``: the identity the site's server signs for the person."""

    def make(*, secret: str | None = None, hours: float = 1, **claims: object) -> str:
        claims.setdefault("exp", int((now() + timedelta(hours=hours)).timestamp()))
        return sign(claims, secret or site.secret)

    return make
