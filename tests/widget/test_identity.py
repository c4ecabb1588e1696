"""The identity a site signs for the person in its back office (procedure 000: the "?" of
the back office opens a ticket in that person's name): a JWT HS256 signed with the site's
secret. Pure: no database."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from comptoir.widget.identity import Identity, InvalidIdentity, Problem, sign, verify

SECRET = "secret-de-la-paroisse"
NOW = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)


def claims(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "email": "marie.dupont@paroisse-exemple.fr",
        "name": "Marie Dupont",
        "sub": 42,
        "iat": int(NOW.timestamp()),
        "exp": int((NOW + timedelta(hours=1)).timestamp()),
    }
    return {k: v for k, v in (base | overrides).items() if v is not None}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(header: dict[str, object], payload: dict[str, object], key: bytes = SECRET.encode()) -> str:
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def refused(token: str, *, secret: str = SECRET, at: datetime = NOW) -> Problem:
    with pytest.raises(InvalidIdentity) as caught:
        verify(token, secret=secret, at=at)
    return caught.value.problem


def test_a_token_the_site_signed_names_the_person() -> None:
    person = verify(sign(claims(), SECRET), secret=SECRET, at=NOW)
    assert person == Identity(
        email="marie.dupont@paroisse-exemple.fr",
        name="Marie Dupont",
        external_id="42",
        expires_at=int((NOW + timedelta(hours=1)).timestamp()),
    )


def test_a_token_signed_like_php_or_pyjwt_is_read() -> None:
    """What the WordPress example builds: header {"alg":"HS256","typ":"JWT"}, JSON with
    escaped slashes, base64url without padding."""
    token = forge({"alg": "HS256", "typ": "JWT"}, claims(name="Équipe \\/ accueil"))
    assert verify(token, secret=SECRET, at=NOW).name == "Équipe \\/ accueil"


def test_name_and_sub_are_optional() -> None:
    person = verify(sign(claims(name=None, sub=None, iat=None), SECRET), secret=SECRET, at=NOW)
    assert (person.name, person.external_id) == ("", "")


def test_another_secret_is_refused() -> None:
    assert refused(sign(claims(), "le-secret-d-un-autre-site")) is Problem.SIGNATURE


def test_a_changed_claim_breaks_the_signature() -> None:
    header, _payload, signature = sign(claims(), SECRET).split(".")
    other = b64(json.dumps(claims(email="curé@paroisse-exemple.fr")).encode())
    assert refused(f"{header}.{other}.{signature}") is Problem.SIGNATURE


def test_an_empty_secret_never_verifies() -> None:
    assert refused(sign(claims(), ""), secret="") is Problem.SIGNATURE


@pytest.mark.parametrize("alg", ["none", "None", "HS512", "RS256", "hs256", None])
def test_only_hs256_is_accepted(alg: object) -> None:
    header = {"typ": "JWT"} if alg is None else {"alg": alg, "typ": "JWT"}
    assert refused(forge(header, claims())) is Problem.ALGORITHM


def test_alg_none_without_signature_is_refused() -> None:
    unsigned = f"{b64(b'{"alg":"none"}')}.{b64(json.dumps(claims()).encode())}."
    assert refused(unsigned) is Problem.ALGORITHM


def test_an_expired_token_is_refused_beyond_the_minute_of_clock_skew() -> None:
    token = sign(claims(exp=int(NOW.timestamp()) - 30), SECRET)
    assert verify(token, secret=SECRET, at=NOW).email  # 30 s late: the two clocks may differ
    assert refused(token, at=NOW + timedelta(seconds=31)) is Problem.EXPIRED


def test_exp_is_required() -> None:
    assert refused(sign(claims(exp=None), SECRET)) is Problem.NO_EXPIRY


def test_a_token_valid_more_than_24_hours_ahead_is_refused() -> None:
    in_a_day = int((NOW + timedelta(hours=24)).timestamp())
    assert verify(sign(claims(exp=in_a_day), SECRET), secret=SECRET, at=NOW).email
    assert refused(sign(claims(exp=in_a_day + 3600), SECRET)) is Problem.TOO_LONG


def test_a_token_issued_in_the_future_is_refused() -> None:
    later = int((NOW + timedelta(minutes=5)).timestamp())
    assert refused(sign(claims(iat=later), SECRET)) is Problem.NOT_YET_VALID
    assert refused(sign(claims(nbf=later), SECRET)) is Problem.NOT_YET_VALID


@pytest.mark.parametrize("email", [None, "", "marie", "marie@localhost", "a b@paroisse.fr", 42])
def test_the_email_is_required(email: object) -> None:
    assert refused(sign(claims(email=email), SECRET)) is Problem.NO_EMAIL


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a.b",
        "a.b.c.d",
        "!!!.???.###",
        f"{b64(b'not json')}.{b64(b'{}')}.{b64(b'x')}",
        f"{b64(b'[1, 2]')}.{b64(b'{}')}.{b64(b'x')}",
        "x" * 9000,
    ],
)
def test_a_malformed_token_is_refused(token: str) -> None:
    assert refused(token) is Problem.MALFORMED


def test_claims_of_the_wrong_type_are_refused() -> None:
    assert refused(sign(claims(exp="demain"), SECRET)) is Problem.MALFORMED
    assert refused(sign(claims(name=["Marie"]), SECRET)) is Problem.MALFORMED
    assert refused(sign(claims(exp=True), SECRET)) is Problem.MALFORMED


def test_a_payload_that_is_not_an_object_is_refused_once_signed() -> None:
    header = b64(b'{"alg":"HS256"}')
    payload = b64(b'"marie@paroisse-exemple.fr"')
    signature = b64(hmac.new(SECRET.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest())
    assert refused(f"{header}.{payload}.{signature}") is Problem.MALFORMED
