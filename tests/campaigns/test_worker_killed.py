"""Issue #7, acceptance: killing the task consumer in the middle of a campaign and starting
it again sends every remaining message once and none twice. A real ``comptoir worker``
process, its own SQLite database and task queue, a real SMTP server: the server kills the
consumer (SIGKILL) while it is delivering the 41st mail, before accepting it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.servers import SmtpSink, free_port

ROOT = Path(__file__).resolve().parents[2]
COMPTOIR = Path(sys.executable).parent / "comptoir"
COUNT = 120
KILL_AT = 40


class KillingSink(SmtpSink):
    """Accepts ``KILL_AT`` mails, then kills the consumer in the middle of the next one."""

    victim: subprocess.Popen[bytes] | None = None

    async def handle_DATA(self, server, session, envelope):
        if self.victim is not None and len(self.received) >= KILL_AT:
            self.victim.send_signal(signal.SIGKILL)
            self.victim = None
            return "451 4.3.0 Connection lost"
        return await super().handle_DATA(server, session, envelope)


def env_for(tmp_path: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPTOIR_", "DJANGO_", "DATABASE_"))}
    return env | {
        "DJANGO_SETTINGS_MODULE": "tests.campaigns.worker_settings",
        "PYTHONPATH": str(ROOT),
        "COMPTOIR_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'comptoir.sqlite3'}",
        "COMPTOIR_TASKS_URL": f"sqlite:///{tmp_path / 'tasks.sqlite3'}",
        "EMAIL_URL": f"smtp+plain://127.0.0.1:{port}",
        "COMPTOIR_CAMPAIGN_RATE": "0",
        "COMPTOIR_CAMPAIGN_BATCH": "25",
        "COMPTOIR_CAMPAIGN_LEASE": "2",
        "LOG_LEVEL": "WARNING",
    }


def run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and modules
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - the project's own console script
        [str(COMPTOIR), "worker"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def wait_for(condition, *, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


@pytest.fixture
def sink():
    sink = KillingSink(port=free_port())
    sink.start()
    yield sink
    sink.stop()


def test_consumer_killed_mid_campaign_and_started_again_sends_each_mail_exactly_once(tmp_path, sink):
    env = env_for(tmp_path, sink.port)
    run(env, "-m", "django", "migrate", "--no-input", "-v", "0")
    first = worker(env)
    sink.victim = first
    try:
        campaign = json.loads(run(env, "-m", "tests.campaigns.worker_scenario", "setup", str(COUNT)))[
            "campaign"
        ]
        assert first.wait(timeout=90) == -signal.SIGKILL
    finally:
        if first.poll() is None:
            first.kill()
    assert len(sink.received) == KILL_AT
    killed_report = json.loads(run(env, "-m", "tests.campaigns.worker_scenario", "report", str(campaign)))
    assert killed_report["state"] == "sending"

    second = worker(env)
    try:
        # The task died with the consumer: started again, it is kicked again (the periodic
        # sweep would do it within a minute).
        run(env, "-m", "tests.campaigns.worker_scenario", "kick", str(campaign))
        wait_for(lambda: len(sink.received) >= COUNT)
        wait_for(
            lambda: (
                json.loads(run(env, "-m", "tests.campaigns.worker_scenario", "report", str(campaign)))[
                    "state"
                ]
                == "done"
            )
        )
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)

    received = Counter(rcpt for r in sink.received for rcpt in r.rcpt_tos)
    assert received == Counter(f"usager{i:05d}@example.net" for i in range(COUNT))
    assert max(received.values()) == 1
    final = json.loads(run(env, "-m", "tests.campaigns.worker_scenario", "report", str(campaign)))
    assert final["recipients"] == {"sent": COUNT}
