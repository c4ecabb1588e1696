"""The server's VAPID key pair (RFC 8292): the browsers subscribe with its public key, and
every push is signed with its private key.

From the environment (``COMPTOIR_VAPID_PRIVATE_KEY`` and ``COMPTOIR_VAPID_PUBLIC_KEY``, read
by the settings) when set; otherwise generated on first use and kept in the database (one
row), so that every process of an installation uses the same pair. Keys are written as the
browsers' Push API reads them: base64url, the private key as its 32 raw bytes, the public
key as the uncompressed P-256 point.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from py_vapid import Vapid

from comptoir.core.cache import ProcessCache
from comptoir.core.clock import now as clock_now
from comptoir.push.models import VapidKeys


@dataclass(frozen=True)
class KeyPair:
    private_key: str
    public_key: str

    def signer(self) -> Vapid:
        return Vapid.from_string(private_key=self.private_key)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def generate() -> KeyPair:
    """A new P-256 key pair (py-vapid generates it)."""
    vapid = Vapid()
    vapid.generate_keys()
    private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    public = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return KeyPair(b64url(private), b64url(public))


def public_key_of(private_key: str) -> str:
    """The public key of a private key given raw (32 bytes) or in DER, base64url."""
    public = Vapid.from_string(private_key=private_key).public_key
    return b64url(
        public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )


def _stored() -> KeyPair:
    row = VapidKeys.objects.filter(pk=1).first()
    if row is None:
        fresh = generate()
        # Two processes starting together on a new installation: the first insert wins,
        # the other is ignored and both read the same row.
        VapidKeys.objects.bulk_create(
            [
                VapidKeys(
                    pk=1, private_key=fresh.private_key, public_key=fresh.public_key, created_at=clock_now()
                )
            ],
            ignore_conflicts=True,
        )
        row = VapidKeys.objects.get(pk=1)
    return KeyPair(row.private_key, row.public_key)


def _load() -> KeyPair:
    private = getattr(settings, "COMPTOIR_VAPID_PRIVATE_KEY", "")
    if private:
        return KeyPair(private, getattr(settings, "COMPTOIR_VAPID_PUBLIC_KEY", "") or public_key_of(private))
    return _stored()


# The pair never changes once made: read it once an hour at most.
_keys = ProcessCache(_load, ttl=3600)


def key_pair() -> KeyPair:
    """The installation's key pair."""
    return _keys.get()


def subject() -> str:
    """The contact the push services may write to about our pushes (the VAPID ``sub``)."""
    configured = getattr(settings, "COMPTOIR_VAPID_SUBJECT", "")
    if configured:
        return configured
    address = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">").strip()
    return f"mailto:{address}"
