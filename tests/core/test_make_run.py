"""``make run`` on a fresh machine: ``comptoir run`` migrates, loads the demo, serves the
desk with its task consumer, and stops cleanly on SIGTERM. The real command runs in a
subprocess with its own var directory (SQLite, SqliteHuey); no test database is involved."""

from __future__ import annotations

import html
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

COMPTOIR = Path(sys.executable).parent / "comptoir"
DEMO_SUBJECTS = (
    "Importer nos contacts dans Mailpoet",
    "Mot de passe du back office oublié",
    "URGENT - Comptabilité : impossible de valider les écritures",
    "Ajouter une page dans la rubrique Actualités",
    "Invoices show a wrong VAT total",
)


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, opener: urllib.request.OpenerDirector | None = None) -> tuple[int, str]:
    try:
        with (opener or urllib.request.build_opener()).open(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("COMPTOIR_", "DJANGO_"))
        and k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "HOST", "PORT", "EMAIL_HOST"}
    }
    env["COMPTOIR_VAR_DIR"] = str(tmp_path / "var")
    log = tmp_path / "comptoir-run.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - the project's own console script
            [str(COMPTOIR), "run", "--port", str(port)],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so that a failed test can stop the children too
        )
    running = Server(process, port, log)
    try:
        yield running
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def wait_until_healthy(server: Server, timeout: float = 40) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.process.poll() is None, f"comptoir run exited early:\n{server.output()}"
        try:
            status, body = get(f"{server.base}/healthz")
        except OSError:
            status, body = 0, ""
        if status == 200:
            return body
        time.sleep(0.25)
    pytest.fail(f"/healthz did not answer 200 within {timeout} s:\n{server.output()}")


def log_in(base: str, username: str, password: str) -> tuple[urllib.request.OpenerDirector, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    status, page = get(f"{base}/accounts/login/", opener)
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, page
    assert any(cookie.name == "csrftoken" for cookie in jar)
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "login": username, "password": password}
    ).encode()
    request = urllib.request.Request(f"{base}/accounts/login/", data=form, method="POST")  # noqa: S310 - http://127.0.0.1
    with opener.open(request, timeout=10) as response:
        assert response.status == 200
        return opener, response.geturl()


def test_comptoir_run_serves_the_demo_and_stops_on_sigterm(server):
    health = json.loads(wait_until_healthy(server))
    assert health["database"] == {"ok": True, "vendor": "sqlite"}
    assert health["tasks"]["backend"] == "SqliteHuey"
    output = server.output()
    assert f"Comptoir is running at {server.base}/" in output
    assert "leaagent" in output
    assert "comptoir-demo" in output

    opener, landed_on = log_in(server.base, "leaagent", "comptoir-demo")
    assert landed_on == f"{server.base}/desk/"
    status, queue = get(f"{server.base}/desk/", opener)
    assert status == 200
    text = html.unescape(queue)
    for subject in DEMO_SUBJECTS:
        assert subject in text, subject
    assert len(re.findall(r'data-testid="queue-row"', queue)) == len(DEMO_SUBJECTS)

    started = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=15) == 0, server.output()
    assert time.monotonic() - started < 15
    # The web server, a child of `comptoir run`, stopped with it: nothing listens any more.
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", server.port), timeout=2):
        pass
