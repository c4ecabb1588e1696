"""Clients generated from the OpenAPI schema, as an integrator would make them, run a
scenario against a live server: open a request, read it with its conversation, answer,
requalify, walk the list with the cursor.

- Python: openapi-python-client (a dev dependency). Generation must give no warning (a
  warning is a model it dropped, e.g. the ticket's detail when two enums shared a name)
  and the models the scenario reads must be there.
- TypeScript: openapi-typescript for the types, openapi-fetch to call (tests/api/clients/ts,
  installed with ``npm ci``); ``tsc`` checks the scenario against the types first.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from comptoir.api import tokens
from comptoir.tickets.models import Ticket

TS = Path(__file__).parent / "clients" / "ts"
# What the scenarios read: a generator that drops one of them fails here.
MODELS = {
    "TicketIn",
    "TicketOut",
    "TicketDetail",
    "TicketPage",
    "MessageOut",
    "MessageKind",
    "EventOut",
    "EventKind",
    "AttachmentOut",
    "ReplyIn",
    "RequalifyIn",
    "Error",
    "RequestFormOut",
    "RequestFieldOut",
    "RequestFieldKind",
}


@pytest.fixture
def people(desk):  # type: ignore[no-untyped-def]
    """A requester with two older requests, an agent, and their write tokens."""
    desk.open(product=desk.product, subject="Première demande")
    desk.open(product=desk.product, subject="Deuxième demande")
    _t, requester = tokens.create_token(user=desk.requester, name="Intégration", scope="write")
    _t, agent = tokens.create_token(user=desk.l1, name="Intégration", scope="write")
    return {
        "requester": requester,
        "agent": agent,
        "product": desk.product.pk,
        "requester_id": desk.requester.pk,
    }


def run(command: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed commands: the generators, npm and node
        command, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True, timeout=300, check=False
    )


def test_a_python_client_generated_from_the_schema(live_server, people, tmp_path):
    schema = tmp_path / "openapi.json"
    schema.write_bytes(_download(f"{live_server.url}/api/openapi.json"))
    config = tmp_path / "config.yaml"
    config.write_text("package_name_override: comptoir_client\npost_hooks: []\n")
    generator = Path(sys.executable).with_name("openapi-python-client")
    made = run(
        [
            str(generator),
            "generate",
            "--path",
            str(schema),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / "comptoir_client"),
            "--config",
            str(config),
        ],
        cwd=tmp_path,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    assert "warning" not in (made.stdout + made.stderr).lower(), made.stdout + made.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        client = importlib.import_module("comptoir_client")
        models = importlib.import_module("comptoir_client.models")
        assert set(dir(models)) >= MODELS
        _python_scenario(client, models, live_server.url, people)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == "comptoir_client" or m.startswith("comptoir_client.")]:
            del sys.modules[name]


def _python_scenario(client_module, models, url: str, people: dict) -> None:  # type: ignore[no-untyped-def]
    def endpoint(name: str):  # type: ignore[no-untyped-def]
        return importlib.import_module(f"comptoir_client.api.tickets.{name}")

    create_ticket, read_ticket, reply, requalify, list_tickets = map(
        endpoint, ["create_ticket", "read_ticket", "reply", "requalify", "list_tickets"]
    )

    def as_(token: str):  # type: ignore[no-untyped-def]
        return client_module.AuthenticatedClient(base_url=url, token=token, headers={"Accept-Language": "fr"})

    requester, agent = as_(people["requester"]), as_(people["agent"])

    created = create_ticket.sync_detailed(
        client=requester,
        body=models.TicketIn(
            subject="Les images ne s'affichent plus", body="Depuis la mise à jour.", product=people["product"]
        ),
    )
    assert created.status_code == 201, created.content
    assert isinstance(created.parsed, models.TicketOut)
    number = created.parsed.number

    refused = create_ticket.sync_detailed(
        client=requester,
        body=models.TicketIn(subject="Tout de suite", body="Vite.", priority=models.Priority.URGENT),
    )
    assert refused.status_code == 403
    assert isinstance(refused.parsed, models.Held)  # the 403 of this endpoint: an Error, or a kept request
    assert refused.parsed.code == "team_only"
    assert "priority" in refused.parsed.fields.to_dict()
    assert "équipe" in refused.parsed.detail  # in the requester's language

    answered = reply.sync_detailed(
        number, client=agent, body=models.ReplyIn(body="Videz le cache, puis rechargez la page.")
    )
    assert answered.status_code == 201, answered.content
    assert answered.parsed.kind == models.MessageKind.PUBLIC

    detail = read_ticket.sync_detailed(number, client=requester).parsed
    assert isinstance(detail, models.TicketDetail)
    assert [m.kind for m in detail.messages] == [models.MessageKind.PUBLIC, models.MessageKind.PUBLIC]
    assert detail.messages[1].body_text == "Videz le cache, puis rechargez la page."
    assert models.EventKind.CREATED in [e.kind for e in detail.events]

    requalified = requalify.sync_detailed(
        number,
        client=agent,
        body=models.RequalifyIn(reason="Panne confirmée", type_=models.TicketType.INCIDENT),
    ).parsed
    assert isinstance(requalified, models.TicketOut)
    assert requalified.type_ == models.TicketType.INCIDENT

    seen, cursor, pages = [], None, 0
    while True:
        kwargs = {"cursor": cursor} if cursor else {}
        page = list_tickets.sync_detailed(client=requester, limit=1, **kwargs).parsed
        assert isinstance(page, models.TicketPage)
        seen += [t.number for t in page.items]
        pages += 1
        cursor = page.next_cursor
        if not cursor:
            break
    assert pages == 3
    mine = Ticket.objects.filter(requester_id=people["requester_id"]).values_list("number", flat=True)
    assert sorted(seen) == sorted(mine)


def _download(url: str) -> bytes:
    import urllib.request

    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 (the test's own live server)
        return answer.read()


@pytest.fixture(scope="session")
def ts_client() -> Path:
    """tests/api/clients/ts with its packages, as ``npm ci`` installs them from the lock."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is needed for the TypeScript client (scripts/run-tests.sh installs Node.js)")
    lock = (TS / "package-lock.json").read_bytes()
    stamp = TS / "node_modules" / ".comptoir-lock"
    if not stamp.exists() or stamp.read_bytes() != lock:
        installed = run([npm, "ci", "--no-audit", "--no-fund"], cwd=TS)
        assert installed.returncode == 0, installed.stdout + installed.stderr
        stamp.write_bytes(lock)
    return TS


def test_a_typescript_client_generated_from_the_schema(live_server, people, ts_client):
    npm = shutil.which("npm") or "npm"
    generated = run(
        [npm, "run", "-s", "generate"], cwd=ts_client, COMPTOIR_OPENAPI=f"{live_server.url}/api/openapi.json"
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    types = (ts_client / "generated" / "schema.d.ts").read_text()
    for model in MODELS:
        assert f"{model}: " in types, model
    built = run([npm, "run", "-s", "build"], cwd=ts_client)
    assert built.returncode == 0, built.stdout + built.stderr  # the scenario type-checks
    ran = run(
        ["node", "dist/scenario.js"],
        cwd=ts_client,
        COMPTOIR_URL=live_server.url,
        COMPTOIR_REQUESTER_TOKEN=people["requester"],
        COMPTOIR_AGENT_TOKEN=people["agent"],
        COMPTOIR_PRODUCT=str(people["product"]),
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    saw = json.loads(ran.stdout.strip().splitlines()[-1])
    ticket = Ticket.objects.get(number=saw["number"])
    assert ticket.channel == "api"
    assert (ticket.type, ticket.priority, ticket.severity) == ("incident", "high", "normal")
    assert saw["kinds"] == ["public", "public"]
    assert "created" in saw["events"]
    assert saw["refused"] == "team_only"
    assert saw["pages"] == 3
    assert sorted(saw["seen"]) == sorted(
        Ticket.objects.filter(requester=ticket.requester).values_list("number", flat=True)
    )
