"""The mail commands as an MTA or an operator runs them: `comptoir mail ingest` writes links
to the address `comptoir run` serves on even without COMPTOIR_BASE_URL exported, and `comptoir
mail parse` works before the database is set up."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from comptoir.core import base_url
from tests.core.test_cli import COMPTOIR, clean_env, settings_in_subprocess

MAIL = (
    b"From: Pierre Martin <pierre@paroisse.example>\r\nTo: support@comptoir.example\r\n"
    b"Subject: Les images ne s'affichent plus\r\nMessage-ID: <m1@paroisse.example>\r\n\r\n"
    b"Bonjour,\r\n\r\nLes images de la page d'accueil ne s'affichent plus.\r\n"
)


def comptoir(var_dir: Path, *args: str, stdin: bytes = b"", **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(  # noqa: S603 - the project's own console script
        [str(COMPTOIR), *args],
        input=stdin,
        env=clean_env(var_dir, **env),
        cwd=var_dir,
        capture_output=True,
        timeout=180,
        check=False,
    )


def test_the_base_url_is_the_variable_else_the_recorded_one_else_the_default(tmp_path):
    assert base_url.read({}, tmp_path) == "http://127.0.0.1:8000"
    base_url.record(tmp_path, "https://support.example/")
    assert base_url.read({}, tmp_path) == "https://support.example"
    assert base_url.read({"COMPTOIR_BASE_URL": "https://aide.example/"}, tmp_path) == "https://aide.example"
    assert base_url.read({"COMPTOIR_BASE_URL": "  "}, tmp_path) == "https://support.example"


def test_every_process_reads_the_address_comptoir_run_recorded(tmp_path):
    base_url.record(tmp_path, "http://192.0.2.10:8080")
    result = settings_in_subprocess(tmp_path, "print(settings.COMPTOIR_BASE_URL)")
    assert result.stdout.strip() == "http://192.0.2.10:8080", result.stderr


def test_mail_ingest_writes_links_to_the_recorded_address(tmp_path):
    assert comptoir(tmp_path, "migrate").returncode == 0
    base_url.record(tmp_path, "http://192.0.2.10:8080")
    ingested = comptoir(tmp_path, "mail", "ingest", "--json", stdin=MAIL)
    assert ingested.returncode == 0, ingested.stderr.decode()
    assert json.loads(ingested.stdout)["status"] == "new_ticket"
    code = (
        "from comptoir.core.models import OutboxMessage; print(OutboxMessage.objects.get().payload['body'])"
    )
    body = settings_in_subprocess(tmp_path, code).stdout
    print(body)
    assert "http://192.0.2.10:8080/portal/follow/" in body
    assert "127.0.0.1:8000" not in body


def test_mail_parse_needs_no_database(tmp_path):
    (tmp_path / "mail.eml").write_bytes(MAIL)
    result = comptoir(tmp_path, "mail", "parse", "mail.eml")
    out, err = result.stdout.decode(), result.stderr.decode()
    assert "Traceback" not in out + err
    assert result.returncode == 0, err
    assert "Subject:     Les images ne s'affichent plus" in out
    assert "comptoir migrate" in err
    as_json = comptoir(tmp_path, "mail", "parse", "--json", "mail.eml")
    assert json.loads(as_json.stdout)["product_unknown"] is True
