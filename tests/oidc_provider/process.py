"""The test identity provider as a process of its own, for the tests' fixtures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Client:
    """A client (relying party) registered at the provider."""

    client_id: str
    secret: str
    name: str
    redirect_uris: tuple[str, ...]


@dataclass
class OidcProvider:
    port: int
    clients: tuple[Client, ...]
    process: subprocess.Popen[bytes] | None = None
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="oidc-provider-")))

    @property
    def url(self) -> str:
        """The issuer, as the provider's discovery document names it."""
        return f"http://127.0.0.1:{self.port}/o"

    def start(self, timeout: float = 60) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
            "OIDC_PROVIDER_DB": str(self.workdir / "provider.sqlite3"),
            "OIDC_PROVIDER_CLIENTS": json.dumps(
                [
                    {
                        "client_id": c.client_id,
                        "secret": c.secret,
                        "name": c.name,
                        "redirect_uris": c.redirect_uris,
                    }
                    for c in self.clients
                ]
            ),
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        log = (self.workdir / "provider.log").open("wb")
        self.process = subprocess.Popen(  # noqa: S603 — our own interpreter and module
            [sys.executable, "-m", "tests.oidc_provider.serve", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the test OIDC provider stopped: {self.log()}")
            try:
                if requests.get(f"{self.url}/.well-known/openid-configuration", timeout=2).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the test OIDC provider did not answer in {timeout}s: {self.log()}")

    def log(self) -> str:
        path = self.workdir / "provider.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
