"""/healthz for load balancers and monitors, and the JSON logs collectors read.

The failure cases run the application in a subprocess whose database or task queue really is
unreachable (a port where nothing listens): nothing of ours is faked."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from comptoir.core.logs import JsonFormatter


def test_healthz_reports_the_database_and_the_task_queue(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    report = response.json()
    assert report["ok"] is True
    assert report["database"]["ok"] is True
    assert report["tasks"]["ok"] is True
    assert report["tasks"]["pending"] == 0


def test_healthz_answers_get_only(client, db):
    assert client.post("/healthz").status_code == 405


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port where nothing listens (bound, never listening: nobody else takes it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield s.getsockname()[1]


HEALTHZ_SCRIPT = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from django.test import Client
    response = Client(HTTP_HOST="localhost").get("/healthz")
    print(json.dumps({"status": response.status_code, "report": response.json()}))
    """
)


def healthz_in_subprocess(var_dir: Path, **env: str) -> dict[str, object]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("COMPTOIR_", "DJANGO_")) and k not in {"DATABASE_URL", "SECRET_KEY"}
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", HEALTHZ_SCRIPT],
        env=clean
        | {
            "DJANGO_SETTINGS_MODULE": "comptoir.settings",
            "COMPTOIR_VAR_DIR": str(var_dir),
            "COMPTOIR_TASKS_URL": "memory://",
            "LOG_LEVEL": "CRITICAL",
        }
        | env,
        cwd=var_dir,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_healthz_says_503_when_the_database_is_unreachable(tmp_path, closed_port):
    answer = healthz_in_subprocess(
        tmp_path, DATABASE_URL=f"postgresql://comptoir@127.0.0.1:{closed_port}/comptoir"
    )
    assert answer["status"] == 503
    report = answer["report"]
    assert report["ok"] is False
    assert report["database"]["ok"] is False
    assert str(closed_port) in report["database"]["error"]
    assert report["tasks"]["ok"] is True


def test_healthz_says_503_when_the_task_queue_is_unreachable(tmp_path, closed_port):
    answer = healthz_in_subprocess(tmp_path, COMPTOIR_TASKS_URL=f"redis://127.0.0.1:{closed_port}/0")
    assert answer["status"] == 503
    report = answer["report"]
    assert report["ok"] is False
    assert report["database"]["ok"] is True
    assert report["tasks"]["ok"] is False
    assert report["tasks"]["error"]


def test_the_embedded_default_is_healthy_with_sqlite_and_its_own_task_queue(tmp_path):
    answer = healthz_in_subprocess(tmp_path, COMPTOIR_TASKS_URL="")
    assert answer["status"] == 200
    report = answer["report"]
    assert report["database"]["vendor"] == "sqlite"
    assert report["tasks"]["backend"] == "SqliteHuey"


def format_record(**extra: object) -> dict[str, object]:
    logger = logging.getLogger("comptoir.core.outbox")
    record = logger.makeRecord(
        logger.name, logging.INFO, __file__, 1, "delivery of %s postponed", ("#100042",), None, extra=extra
    )
    return json.loads(JsonFormatter().format(record))


def test_json_logs_carry_the_message_and_the_extra_fields():
    line = format_record(outbox_id=42, attempts=3, retry=True, error="Connexion refusée", ratio=0.5)
    assert line["message"] == "delivery of #100042 postponed"
    assert line["level"] == "INFO"
    assert line["logger"] == "comptoir.core.outbox"
    assert line["time"].endswith("+00:00")
    assert (line["outbox_id"], line["attempts"], line["retry"], line["ratio"]) == (42, 3, True, 0.5)
    assert line["error"] == "Connexion refusée"
    assert "msg" not in line
    assert "args" not in line


def test_json_logs_turn_other_values_into_text_and_keep_the_traceback():
    class Address:
        def __str__(self) -> str:
            return "pierre@example.org"

    line = format_record(recipient=Address(), recipients=["a@example.org"])
    assert line["recipient"] == "pierre@example.org"
    assert line["recipients"] == "['a@example.org']"

    logger = logging.getLogger("comptoir.tests")
    try:
        raise ValueError("SMTP a répondu 451")
    except ValueError:
        record = logger.makeRecord(logger.name, logging.ERROR, __file__, 1, "boom", (), sys.exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert "ValueError: SMTP a répondu 451" in line["exception"]


def test_the_application_logs_one_json_object_per_line(tmp_path):
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('comptoir.core.outbox').warning("
        "'outbox delivery failed for good', extra={'outbox_id': 7, 'error': '550 no such user'})"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("COMPTOIR_", "DJANGO_"))}
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        env=clean
        | {
            "DJANGO_SETTINGS_MODULE": "comptoir.settings",
            "COMPTOIR_VAR_DIR": str(tmp_path),
            "COMPTOIR_TASKS_URL": "memory://",
        },
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    [line] = [json.loads(text) for text in result.stderr.splitlines() if text.strip()]
    assert line["message"] == "outbox delivery failed for good"
    assert (line["level"], line["outbox_id"], line["error"]) == ("WARNING", 7, "550 no such user")


PRODUCTION = {"COMPTOIR_ENV": "production", "SECRET_KEY": "health-test-key", "ALLOWED_HOSTS": "localhost"}


def test_healthz_says_503_in_production_when_the_static_files_were_not_collected(tmp_path):
    answer = healthz_in_subprocess(tmp_path, **PRODUCTION)
    assert answer["status"] == 503
    report = answer["report"]
    assert report["database"]["ok"] is True
    assert report["pages"]["ok"] is False
    assert "comptoir.css" in report["pages"]["error"]


def test_healthz_is_ok_in_production_once_the_static_files_are_collected(tmp_path):
    """The vendored Bootstrap ships no source maps: collectstatic must not look for them."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("COMPTOIR_", "DJANGO_"))}
    collected = subprocess.run(
        [sys.executable, "-m", "comptoir.cli", "manage", "collectstatic", "--no-input", "-v", "0"],
        env=clean | {"COMPTOIR_VAR_DIR": str(tmp_path), "LOG_LEVEL": "CRITICAL"} | PRODUCTION,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert collected.returncode == 0, collected.stderr
    answer = healthz_in_subprocess(tmp_path, **PRODUCTION)
    assert answer["status"] == 200
    assert answer["report"]["pages"] == {"ok": True, "static": "CompressedManifestStaticFilesStorage"}
