"""Who is using the help button, as the host site vouches for them: a compact JWT (RFC 7519)
signed with HMAC-SHA256 (HS256) with the site's secret, carried by the script tag's
``data-identity`` attribute.

Only HS256 is accepted (``alg: none`` and every other algorithm are refused before anything
else is read), signatures are compared in constant time, ``exp`` is required and may be at
most 24 hours ahead (a leaked token is short-lived), ``iat`` and ``nbf`` are optional, and
60 seconds of clock skew between the two servers are tolerated.

Claims: ``email`` (required), ``name`` and ``sub`` (the site's own id for the person),
optional. Pure: no Django, so host sites (and tests) can reuse ``sign``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

ALGORITHM = "HS256"
MAX_LIFETIME_SECONDS = 24 * 3600
CLOCK_SKEW_SECONDS = 60
MAX_TOKEN_LENGTH = 8192  # a name and an address fit many times over; bigger is abuse
MAX_EMAIL_LENGTH = 254
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]*$")


class Problem(StrEnum):
    """Why a token is refused; the caller words it for people."""

    MALFORMED = "malformed"
    ALGORITHM = "algorithm"
    SIGNATURE = "signature"
    NO_EXPIRY = "no_expiry"
    EXPIRED = "expired"
    TOO_LONG = "too_long"
    NOT_YET_VALID = "not_yet_valid"
    NO_EMAIL = "no_email"


class InvalidIdentity(Exception):
    def __init__(self, problem: Problem, detail: str = "") -> None:
        super().__init__(f"{problem.value}: {detail}" if detail else problem.value)
        self.problem = problem


@dataclass(frozen=True)
class Identity:
    email: str
    name: str
    external_id: str
    expires_at: int


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(part: str) -> bytes:
    if not _BASE64URL.match(part) or len(part) % 4 == 1:
        raise InvalidIdentity(Problem.MALFORMED, "not base64url")
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidIdentity(Problem.MALFORMED, "not base64url") from exc


def _json_object(part: str) -> dict[str, object]:
    try:
        value = json.loads(_decode(part))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidIdentity(Problem.MALFORMED, "not JSON") from exc
    if not isinstance(value, dict):
        raise InvalidIdentity(Problem.MALFORMED, "not a JSON object")
    return value


def _mac(signing_input: str, secret: str) -> bytes:
    return hmac.new(secret.encode(), signing_input.encode("ascii"), hashlib.sha256).digest()


def sign(claims: Mapping[str, object], secret: str) -> str:
    """A compact HS256 JWT of ``claims`` (give ``email`` and ``exp``, a Unix time)."""
    header = _encode(json.dumps({"alg": ALGORITHM, "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _encode(json.dumps(dict(claims), separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}"
    return f"{signing_input}.{_encode(_mac(signing_input, secret))}"


def _number(claims: Mapping[str, object], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidIdentity(Problem.MALFORMED, f"{name} is not a number")
    return float(value)


def _text(claims: Mapping[str, object], name: str) -> str:
    value = claims.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidIdentity(Problem.MALFORMED, f"{name} is not text")
    return " ".join(str(value).split())


def verify(token: str, *, secret: str, at: datetime) -> Identity:
    """The person ``token`` names, if the site signed it with ``secret`` and it is valid at
    ``at``; ``InvalidIdentity`` otherwise."""
    token = token.strip()
    if not token or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 2:
        raise InvalidIdentity(Problem.MALFORMED, "not a compact JWT")
    header_part, payload_part, signature_part = token.split(".")
    header = _json_object(header_part)
    # Decided by us, never by the token: "none" or RS256-with-the-secret-as-key attacks fail.
    if header.get("alg") != ALGORITHM:
        raise InvalidIdentity(Problem.ALGORITHM, repr(header.get("alg")))
    if "crit" in header:
        raise InvalidIdentity(Problem.MALFORMED, "critical header extensions are not supported")
    signature = _decode(signature_part)
    if not secret or not hmac.compare_digest(signature, _mac(f"{header_part}.{payload_part}", secret)):
        raise InvalidIdentity(Problem.SIGNATURE)
    claims = _json_object(payload_part)

    now = at.timestamp()
    expires = _number(claims, "exp")
    if expires is None:
        raise InvalidIdentity(Problem.NO_EXPIRY)
    if expires + CLOCK_SKEW_SECONDS < now:
        raise InvalidIdentity(Problem.EXPIRED)
    if expires > now + MAX_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS:
        raise InvalidIdentity(Problem.TOO_LONG)
    for name in ("iat", "nbf"):
        moment = _number(claims, name)
        if moment is not None and moment > now + CLOCK_SKEW_SECONDS:
            raise InvalidIdentity(Problem.NOT_YET_VALID, name)

    email = _text(claims, "email")
    local, _at, domain = email.rpartition("@")
    if not local or "." not in domain or len(email) > MAX_EMAIL_LENGTH or " " in email:
        raise InvalidIdentity(Problem.NO_EMAIL)
    return Identity(
        email=email,
        name=_text(claims, "name")[:300],
        external_id=_text(claims, "sub")[:200],
        expires_at=int(expires),
    )
