"""A browser's push service, played by a real HTTP server on 127.0.0.1, and the browser
behind it.

``Browser`` makes what a browser makes when a page subscribes (RFC 8291): a P-256 key pair
and a 16-byte authentication secret; it alone can decrypt what is pushed to it.
``PushService`` receives the POSTs Comptoir sends to the subscription's endpoint: it
checks the VAPID ``Authorization`` header (RFC 8292: a JWT signed with the key the browser
subscribed with, whose ``aud`` is the endpoint's origin), decrypts the aes128gcm body with
the browser's private key (with ``http_ece``, as a browser does) and keeps the message.
``answers`` is a queue of status codes to answer with before the default 201 (410: the
subscription is gone; 500: the service fails).
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass
class Browser:
    """A browser's side of a push subscription."""

    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def decrypt(self, body: bytes) -> bytes:
        return http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"
        )


@dataclass
class Pushed:
    path: str
    headers: dict[str, str]  # names in lower case
    claims: dict[str, Any]
    vapid_key: str
    message: dict[str, Any]


def check_vapid(authorization: str, *, origin: str) -> tuple[dict[str, Any], str]:
    """RFC 8292: ``vapid t=<JWT>, k=<public key>``; the JWT is ES256-signed with that key,
    for this origin, not expired. Returns (claims, k); raises ValueError otherwise."""
    scheme, _space, params = authorization.partition(" ")
    if scheme.lower() != "vapid":
        raise ValueError(f"not a VAPID authorization: {authorization[:20]!r}")
    parts = dict(p.strip().split("=", 1) for p in params.split(","))
    token, key = parts["t"], parts["k"]
    header_b64, claims_b64, signature_b64 = token.split(".")
    header = json.loads(b64url_decode(header_b64))
    if header.get("alg") != "ES256":
        raise ValueError(f"JWT algorithm {header.get('alg')!r}")
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(key))
    signature = b64url_decode(signature_b64)
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        public.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise ValueError("the JWT's signature does not match the key") from None
    claims = json.loads(b64url_decode(claims_b64))
    if claims.get("aud") != origin:
        raise ValueError(f"aud {claims.get('aud')!r} is not {origin!r}")
    if not time.time() < int(claims["exp"]) <= time.time() + 24 * 3600:
        raise ValueError("exp is not within the next 24 hours")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise ValueError("sub is not a mailto: or https: contact")
    return claims, key


@dataclass
class PushService:
    port: int
    browsers: dict[str, Browser] = field(default_factory=dict)  # endpoint path -> browser
    received: list[Pushed] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def new_browser(self, name: str) -> tuple[str, Browser]:
        """A browser subscribed at ``/push/<name>``: (endpoint, browser)."""
        browser = Browser()
        self.browsers[f"/push/{name}"] = browser
        return f"{self.origin}/push/{name}", browser

    def start(self) -> None:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = service.answers.pop(0) if service.answers else 201
                if status == 201:
                    status = service.accept(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def accept(self, path: str, headers: dict[str, str], body: bytes) -> int:
        browser = self.browsers.get(path)
        if browser is None:
            self.refused.append(f"{path}: no such subscription")
            return 404
        try:
            claims, key = check_vapid(headers.get("authorization", ""), origin=self.origin)
        except (ValueError, KeyError) as exc:
            self.refused.append(f"{path}: {exc}")
            return 403
        if headers.get("content-encoding") != "aes128gcm" or "ttl" not in headers:
            self.refused.append(f"{path}: headers {headers}")
            return 400
        try:
            message = json.loads(browser.decrypt(body))
        except Exception as exc:  # a message the browser cannot read is refused
            self.refused.append(f"{path}: cannot decrypt: {exc!r}")
            return 400
        self.received.append(Pushed(path, headers, claims, key, message))
        return 201

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
