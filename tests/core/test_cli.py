"""The ``comptoir`` command, the demo data it loads, and the settings it starts with."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from comptoir import cli, demo
from comptoir.accounts.models import Organisation, User
from comptoir.calendars.models import Calendar
from comptoir.catalog.models import Component, Group, Product
from comptoir.core.models import OutboxMessage
from comptoir.tickets.models import Message, Ticket, TicketEvent

COMPTOIR = Path(sys.executable).parent / "comptoir"


def clean_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """A fresh install's environment: no test settings, SQLite and its var dir in var_dir."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("COMPTOIR_", "DJANGO_"))
        and k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}
    }
    return env | {"COMPTOIR_VAR_DIR": str(var_dir), "COMPTOIR_TASKS_URL": "memory://"} | extra


def test_help_lists_every_command(tmp_path):
    result = subprocess.run(  # noqa: S603 - the project's own console script
        [str(COMPTOIR), "--help"],
        env=clean_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for command in ("run", "demo", "worker", "migrate", "manage"):
        assert f"    {command} " in result.stdout, result.stdout


def counts() -> dict[str, int]:
    models = (User, Organisation, Group, Product, Component, Calendar, Ticket, Message, TicketEvent)
    counted = {model.__name__: model.objects.count() for model in models}
    return counted | {"OutboxMessage": OutboxMessage.objects.count()}


def test_comptoir_demo_is_idempotent_and_prints_the_logins(db, capsys):
    assert cli.main(["demo"]) == 0
    first = counts()
    assert cli.main(["demo"]) == 0
    assert counts() == first
    assert first["Ticket"] == 5
    assert first["Organisation"] == 4
    output = capsys.readouterr().out
    assert demo.PASSWORD in output
    for username in ("admin", "superviseur", "leaagent", "marcagent", "sophieagent", "mariedupont"):
        assert username in output


def test_loading_the_demo_twice_changes_nothing(db):
    demo.load()
    first = counts()
    demo.load()
    assert counts() == first


def test_every_demo_login_works_with_the_demo_password(db):
    for login in demo.load():
        user = User.objects.get(username=login.username)
        assert user.check_password(demo.PASSWORD), login.username


def test_the_demo_holds_the_procedures_tickets(db):
    demo.load()

    parish = Ticket.objects.get(subject="Importer nos contacts dans Mailpoet")  # procedure 000
    assert parish.organisation.name == "Paroisse Saint-Seurin"
    assert parish.channel == "widget"
    assert parish.component.name == "Mailpoet"
    assert parish.requester.role == User.Role.ORG_ADMIN

    urgent = Ticket.objects.get(subject__startswith="URGENT")  # procedure 001
    assert urgent.is_urgent is True
    assert urgent.priority == "urgent"
    assert urgent.channel == "email"
    assert urgent.product.name == "Comptabilité"

    cms = Ticket.objects.get(product__name="WCMS")  # procedure 002
    assert cms.requester.organisation.name == "SPF BOSA"
    assert "rédactrice" in cms.messages.get().body_text

    anomaly = Ticket.objects.get(type="incident")  # procedure 003
    assert (anomaly.product.name, anomaly.component.name) == ("GestPro", "Facturation")
    assert anomaly.severity == "blocking"

    numbers = list(Ticket.objects.values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers) == 5
    assert OutboxMessage.objects.filter(kind="mail").count() == 5  # one acknowledgement each


def settings_in_subprocess(var_dir: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    script = f"import django; django.setup(); from django.conf import settings; {code}"
    return subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        env=clean_env(var_dir, DJANGO_SETTINGS_MODULE="comptoir.settings", **env),
        cwd=var_dir,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = settings_in_subprocess(tmp_path, "print('started')", COMPTOIR_ENV="production")
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set in production" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_uses_the_given_secret_key_and_serves_only_the_listed_hosts(tmp_path):
    code = "print(settings.SECRET_KEY, settings.DEBUG, settings.ALLOWED_HOSTS)"
    result = settings_in_subprocess(tmp_path, code, COMPTOIR_ENV="production", SECRET_KEY="k" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["k" * 50, "False", "[]"]

    result = settings_in_subprocess(
        tmp_path,
        "print(settings.ALLOWED_HOSTS)",
        COMPTOIR_ENV="production",
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="support.example.org, comptoir.example.org",
    )
    assert result.stdout.strip() == "['support.example.org', 'comptoir.example.org']"
    assert not (tmp_path / "secret_key").exists()


def test_without_secret_key_one_is_generated_once_and_kept(tmp_path):
    code = "import hashlib; print(hashlib.sha256(settings.SECRET_KEY.encode()).hexdigest(), settings.DEBUG)"
    first = settings_in_subprocess(tmp_path, code)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert len(key) >= 50

    second = settings_in_subprocess(tmp_path, code)
    assert second.returncode == 0, second.stderr
    assert first.stdout == second.stdout
    digest, debug = first.stdout.split()
    assert digest == hashlib.sha256(key.encode()).hexdigest()
    assert debug == "False"  # error pages never show code unless DEBUG=true is asked for
    assert key_file.read_text().strip() == key


@pytest.mark.parametrize("env", [{}, {"COMPTOIR_ENV": "development"}])
def test_development_serves_localhost_only(tmp_path, env):
    result = settings_in_subprocess(tmp_path, "print(settings.ALLOWED_HOSTS)", **env)
    assert result.stdout.strip() == "['127.0.0.1', 'localhost']"
