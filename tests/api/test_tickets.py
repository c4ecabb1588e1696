"""The ticket endpoints, as the mobile app and integrations use them: the same services,
the same rules and mails as the pages."""

from __future__ import annotations

import base64
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from comptoir.accounts import eligibility
from comptoir.accounts.models import User
from comptoir.admission.models import HeldRequest
from comptoir.calendars.models import Calendar
from comptoir.sla import policies, presets
from comptoir.tickets import services
from comptoir.tickets.models import Message, Ticket
from tests.conftest import flush_mail

PARIS = ZoneInfo("Europe/Paris")


def spec(*intervals: str) -> dict[str, object]:
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return {
        "timezone": "Europe/Paris",
        "week": {d: list(intervals) if d not in {"sat", "sun"} else [] for d in days},
        "holidays": {"country": "FR", "subdivision": None},
        "holiday_hours": [],
        "closures": [],
        "openings": {},
    }


PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def test_a_request_opened_from_the_app_has_its_number_at_once_and_the_acknowledgement(
    desk, api_as, django_capture_on_commit_callbacks
):
    """Procédure 002 : chaque contact reçoit un numéro unique, tout de suite, et par mail."""
    api = api_as(desk.requester)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/tickets",
            {
                "subject": "Import des contacts impossible",
                "body": "Le fichier est refusé : « format non reconnu ».",
                "product": desk.product.pk,
                "component": desk.component.pk,
            },
        )
    assert response.status_code == 201
    data = response.json()
    ticket = Ticket.objects.get(number=data["number"])
    assert data["reference"] == f"#{ticket.number}"
    assert ticket.channel == data["channel"] == "api"
    assert ticket.requester == desk.requester
    assert data["product"] == {"id": desk.product.pk, "name": desk.product.name}
    assert data["group"]["id"] == desk.group_l1.pk
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [desk.requester.email]
    assert mail.outbox[0].subject.startswith(f"[#{ticket.number}] ")


def test_someone_the_organisation_does_not_serve_is_told_whom_to_contact(desk, api_as):
    """Procédure 002 : seuls les éditeurs et propriétaires de site sont servis."""
    desk.parish.eligible_roles = ["owner", "editor"]
    desk.parish.support_contact = "Le webmestre de la paroisse"
    desk.parish.save()
    desk.requester.org_role = User.OrgRole.READER
    desk.requester.save()
    eligibility.reset()
    response = api_as(desk.requester).post("/api/v1/tickets", {"subject": "Question", "body": "Bonjour"})
    assert response.status_code == 403
    data = response.json()
    assert data["code"] == "not_eligible"
    assert "webmestre" in data["detail"]
    held = HeldRequest.objects.get(pk=data["held_request"])
    assert held.subject == "Question"
    assert not Ticket.objects.exists()


def test_beyond_the_allowance_under_the_refuse_policy_the_request_is_refused(desk, api_as):
    """Procédure 000 : 20 demandes par mois."""
    desk.parish.monthly_ticket_quota = 1
    desk.parish.quota_policy = "refuse"
    desk.parish.save()
    desk.open()
    response = api_as(desk.requester).post("/api/v1/tickets", {"subject": "Encore une", "body": "Bonjour"})
    assert response.status_code == 403
    assert response.json()["code"] == "quota_exceeded"
    assert Ticket.objects.count() == 1


def test_the_team_opens_a_ticket_for_a_requester_but_a_requester_only_for_himself(desk, api_as):
    body = {"subject": "Appel de la paroisse", "body": "Site inaccessible", "requester": desk.requester.pk}
    response = api_as(desk.l1).post("/api/v1/tickets", body)
    assert response.status_code == 201
    assert response.json()["requester"]["id"] == desk.requester.pk
    refused = api_as(desk.neighbour).post("/api/v1/tickets", body)
    assert refused.status_code == 403
    assert Ticket.objects.count() == 1


def test_bad_input_is_answered_with_what_is_wrong(desk, api_as):
    api = api_as(desk.requester)
    assert api.post("/api/v1/tickets", {"subject": "", "body": "x"}).status_code == 422
    extreme = {"subject": "x", "body": "x", "priority": "extreme"}
    assert api.post("/api/v1/tickets", extreme).status_code == 422
    unknown = api.post("/api/v1/tickets", {"subject": "x", "body": "x", "product": 999999})
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "invalid"
    wrong = api.post(
        "/api/v1/tickets",
        {"subject": "x", "body": "x", "product": desk.other_product.pk, "component": desk.component.pk},
    )
    assert wrong.status_code == 400


def test_a_requester_reads_his_ticket_without_the_internal_notes(desk, api_as):
    ticket = desk.open(product=desk.product)
    services.reply(ticket, by=desk.l1, body="Pouvez-vous préciser ?")
    services.add_note(ticket, by=desk.l1, body="Client pénible.")
    data = api_as(desk.requester).get(f"/api/v1/tickets/{ticket.number}").json()
    assert [m["kind"] for m in data["messages"]] == ["public", "public"]
    assert "Client pénible." not in str(data)
    assert "note_added" not in [e["kind"] for e in data["events"]]

    staff = api_as(desk.l1).get(f"/api/v1/tickets/{ticket.number}").json()
    assert [m["kind"] for m in staff["messages"]] == ["public", "public", "internal"]
    assert "note_added" in [e["kind"] for e in staff["events"]]


def test_the_team_works_a_ticket_through_the_api(desk, api_as, django_capture_on_commit_callbacks):
    ticket = desk.open(product=desk.product)
    agent = api_as(desk.l1)
    base = f"/api/v1/tickets/{ticket.number}"

    taken = agent.post(f"{base}/take")
    assert taken.status_code == 200
    assert taken.json()["assignee"]["id"] == desk.l1.pk
    assert taken.json()["status"] == "open"

    flush_mail()
    with django_capture_on_commit_callbacks(execute=True):
        replied = agent.post(f"{base}/replies", {"body": "Voici la marche à suivre.", "status": "pending"})
    assert replied.status_code == 201
    assert replied.json()["kind"] == "public"
    assert [m.to for m in mail.outbox] == [[desk.requester.email]]

    note = agent.post(f"{base}/notes", {"body": "Vu avec l'hébergeur."})
    assert note.status_code == 201
    assert note.json()["kind"] == "internal"

    requalified = agent.post(f"{base}/requalify", {"reason": "Panne confirmée", "type": "incident"})
    assert requalified.status_code == 200
    assert requalified.json()["type"] == "incident"
    assert agent.post(f"{base}/requalify", {"type": "incident"}).status_code == 422  # a reason is required

    assigned = agent.post(f"{base}/assign", {"assignee": None})
    assert assigned.json()["assignee"] is None

    escalated = agent.post(f"{base}/escalate", {"reason": "Bug dans l'extension"})
    assert escalated.status_code == 200
    ticket.refresh_from_db()
    assert ticket.group == desk.group_l2

    l2 = api_as(desk.l2)
    resolved = l2.post(f"{base}/status", {"status": "resolved"})
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "resolved"
    assert l2.post(f"{base}/status", {"status": "new"}).status_code == 409


def test_a_requester_may_resolve_his_request_but_not_work_it(desk, api_as):
    ticket = desk.open(product=desk.product)
    api = api_as(desk.requester)
    base = f"/api/v1/tickets/{ticket.number}"
    assert api.post(f"{base}/notes", {"body": "Je peux ?"}).status_code == 403
    assert api.post(f"{base}/take").status_code == 403
    assert api.post(f"{base}/status", {"status": "on_hold"}).status_code == 403
    assert api.post(f"{base}/replies", {"body": "Précision"}).status_code == 201
    assert api.post(f"{base}/status", {"status": "resolved"}).json()["status"] == "resolved"
    assert not Message.objects.filter(ticket=ticket, kind="internal").exists()


def test_files_go_up_as_a_reply_and_come_down_to_who_may_see_them(desk, api_as, client):
    ticket = desk.open(product=desk.product)
    api = api_as(desk.requester)
    base = f"/api/v1/tickets/{ticket.number}"
    response = api.upload(
        f"{base}/attachments",
        {"files": [SimpleUploadedFile("capture.png", PNG, "image/png")], "body": "La capture d'écran"},
    )
    assert response.status_code == 201
    message = response.json()
    assert message["body_text"] == "La capture d'écran"
    [item] = message["attachments"]
    assert item["filename"] == "capture.png"
    assert item["content_type"] == "image/png"

    download = api.get(item["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert api_as(desk.l1).get(item["url"]).status_code == 200
    assert api_as(desk.neighbour).get(item["url"]).status_code == 404
    assert api.get(f"{base}/attachments/999999").status_code == 404


def test_a_file_too_large_is_refused_with_the_limit(desk, api_as, settings):
    settings.COMPTOIR_MAX_ATTACHMENT_BYTES = 10
    ticket = desk.open()
    response = api_as(desk.requester).upload(
        f"/api/v1/tickets/{ticket.number}/attachments",
        {"files": [SimpleUploadedFile("gros.png", PNG, "image/png")]},
    )
    assert response.status_code == 400, response.content
    assert "gros.png" in response.json()["detail"]
    assert ticket.messages.count() == 1


def test_the_sla_clocks_of_a_ticket(desk, api_as):
    """Procédure 000 : accusé de réception en 1 h ouvrée, prise en charge en 4 h."""
    calendar = Calendar.objects.create(name="Spyrit", spec=spec("09:30-17:00"))
    presets.procedure_000(calendar, [desk.parish])
    policies.forget()
    with time_machine.travel(datetime(2026, 3, 3, 10, 0, tzinfo=PARIS), tick=False):
        ticket = desk.open(product=desk.product)
        clocks = api_as(desk.l1).get(f"/api/v1/tickets/{ticket.number}/sla").json()
        for_requester = api_as(desk.requester).get(f"/api/v1/tickets/{ticket.number}/sla").json()
    assert clocks
    assert all(c["current"] for c in clocks)
    running = [c for c in clocks if c["state"] == "running"]
    assert running
    assert all(c["remaining_seconds"] > 0 for c in running)
    assert {c["metric"] for c in for_requester} <= {c["metric"] for c in clocks}
    assert api_as(desk.neighbour).get(f"/api/v1/tickets/{ticket.number}/sla").status_code == 404


def test_the_list_filters(desk, api_as):
    a = desk.open(product=desk.product, subject="A")
    b = desk.open(product=desk.other_product, subject="B", priority="high")
    services.take(a, by=desk.l1)
    api = api_as(desk.supervisor)

    def numbers(**params):
        response = api.get("/api/v1/tickets", **params)
        assert response.status_code == 200, response.content
        return {t["number"] for t in response.json()["items"]}

    assert numbers() == {a.number, b.number}
    assert numbers(product=desk.product.pk) == {a.number}
    assert numbers(priority="high,urgent") == {b.number}
    assert numbers(status="open") == {a.number}
    assert numbers(assignee=str(desk.l1.pk)) == {a.number}
    assert numbers(assignee="none") == {b.number}
    assert numbers(group=str(desk.group_other.pk)) == {b.number}
    assert numbers(organisation=desk.parish.pk) == {a.number, b.number}
    assert numbers(organisation=desk.customer.pk) == set()
    assert numbers(type="incident") == set()
    a.refresh_from_db()
    assert numbers(updated_since=a.updated_at.isoformat()) == {a.number}
    assert api.get("/api/v1/tickets", assignee="quelqu'un").status_code == 422


def test_input_the_database_cannot_take_is_refused_not_a_server_error(desk, api_as):
    api = api_as(desk.supervisor)
    assert api.post("/api/v1/tickets", {"subject": "a\x00b", "body": "x"}).status_code == 422
    assert api.get("/api/v1/tickets", status="\x00").status_code == 422
    assert api.get("/api/v1/tickets", updated_since="9999-12-31T23:59:59-23:59").status_code == 400
    assert api.get("/api/v1/tickets/99999999999999999999999").status_code in {404, 422}
