"""The API's contract, as README's API section states it: the schema names each thing once
and declares what the answers carry; a request the schema does not describe is refused,
saying which field; every refusal is ``{detail, code, fields?}`` in the caller's language;
a requester's token has the portal's rights, no more."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import jsonschema_rs
import pytest
from django.test import Client
from ninja.openapi.schema import OpenAPISchema

from comptoir.api import tokens, vocabulary
from comptoir.api.main import api
from comptoir.portal.forms import DETAIL_PREFIX, NewTicketForm
from comptoir.tickets import services
from comptoir.tickets.models import Message, Ticket, TicketEvent
from comptoir.tickets.new_request import REQUESTER_CHOICES
from comptoir.tickets.vocabulary import Priority, Severity

# The schema ------------------------------------------------------------------------


def test_no_two_schemas_share_a_name(monkeypatch):
    """django-ninja gathers each operation's schemas by name: a second, different schema of
    the same name replaced the first (a message's kind carried the request form's codes).
    Every name must stand for one schema."""
    seen: dict[str, list[Any]] = defaultdict(list)
    original = OpenAPISchema.add_schema_definitions

    def record(self, definitions):  # type: ignore[no-untyped-def]
        for name, definition in definitions.items():
            if definition not in seen[name]:
                seen[name].append(definition)
        original(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", record)
    document = api.get_openapi_schema()
    clashes = {name: len(versions) for name, versions in seen.items() if len(versions) > 1}
    assert clashes == {}
    schemas = document["components"]["schemas"]
    assert not [name for name in schemas if "__" in name]  # pydantic's way out of a clash
    enums = [s.get("title") for s in schemas.values() if "enum" in s]
    assert len(enums) == len(set(enums)), enums  # a generator names a class after the title


def test_each_operation_has_its_own_name(client):
    document = client.get("/api/openapi.json").json()
    ids = [op["operationId"] for path in document["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert "list_tickets" in ids
    assert "reply" in ids


@pytest.mark.parametrize(
    ("declared", "model"),
    [
        (vocabulary.MessageKind, Message.Kind),
        (vocabulary.EventKind, TicketEvent.Kind),
        (vocabulary.Priority, Priority),
        (vocabulary.Severity, Severity),
    ],
)
def test_the_declared_codes_are_the_models_codes(client, declared, model):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    assert schemas[declared.__name__]["enum"] == list(model.values)


def _resolved(document: dict[str, Any], name: str) -> dict[str, Any]:
    """The component ``name`` with the whole document beside it, for its references."""
    return {**document["components"]["schemas"][name], "components": document["components"]}


def test_a_ticket_read_is_what_the_schema_declares(desk, api_as):
    """Its conversation (a reply, a note, a file) and its history, as a client checks them
    against the schema."""
    ticket = desk.open(product=desk.product)
    services.reply(ticket, by=desk.l1, body="Pouvez-vous préciser ?")
    services.add_note(ticket, by=desk.l1, body="Vu avec l'hébergeur.")
    api = api_as(desk.l1)
    document = api.get("/api/openapi.json").json()
    detail = api.get(f"/api/v1/tickets/{ticket.number}").json()
    assert [m["kind"] for m in detail["messages"]] == ["public", "public", "internal"]
    jsonschema_rs.validate(_resolved(document, "TicketDetail"), detail)
    for message in detail["messages"]:
        jsonschema_rs.validate(_resolved(document, "MessageOut"), message)
    bad = {**detail["messages"][0], "kind": "text"}  # the request form's code, not a message's
    with pytest.raises(jsonschema_rs.ValidationError):  # schemathesis's validator
        jsonschema_rs.validate(_resolved(document, "MessageOut"), bad)


def test_bodies_declare_that_they_take_no_other_field(client):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    for name in ("TicketIn", "ReplyIn", "NoteIn", "StatusIn", "AssignIn", "RequalifyIn", "EscalateIn"):
        assert schemas[name]["additionalProperties"] is False, name


# Bad input -------------------------------------------------------------------------


def test_an_unknown_field_is_refused_with_its_name_in_the_users_language(desk, api_as):
    """The misspelt ``priorite`` used to open a Normal ticket without a word."""
    french = api_as(desk.requester).post(
        "/api/v1/tickets", {"subject": "x", "body": "x", "priorite": "urgent"}
    )
    assert french.status_code == 422
    assert french.json() == {
        "detail": "Champ inconnu : priorite.",
        "code": "unknown_field",
        "fields": {"priorite": "Champ inconnu : retirez-le ou vérifiez son orthographe."},
    }
    english = api_as(desk.neighbour).post(
        "/api/v1/tickets", {"subject": "x", "body": "x", "priorite": "urgent"}
    )
    assert english.json()["detail"] == "Unknown field: priorite."
    assert not Ticket.objects.exists()


def test_each_faulty_field_is_named(desk, api_as):
    answer = api_as(desk.requester).post("/api/v1/tickets", {"subject": "", "type": "bug", "details": []})
    assert answer.status_code == 422
    data = answer.json()
    assert data["code"] == "invalid_input"
    assert data["detail"].startswith("Vérifiez ces champs : ")
    assert data["fields"] == {
        "subject": "Ce champ ne peut pas être vide.",
        "body": "Ce champ est obligatoire.",
        "type": "Valeur non acceptée : utilisez l'une de celles-ci : question, incident, feature_request.",
        "details": "Un objet est attendu.",
    }


def test_a_label_is_not_a_code_in_a_filter(desk, api_as):
    """``?priority=Urgente`` answered an empty list: it is refused with the codes."""
    desk.open(priority="urgent")
    api = api_as(desk.supervisor)
    refused = api.get("/api/v1/tickets", priority="Urgente")
    assert refused.status_code == 422
    assert refused.json()["fields"] == {
        "priority": "« Urgente » n'est pas une valeur acceptée : utilisez l'une de celles-ci : "
        "urgent, high, normal, low."
    }
    assert (
        api.get("/api/v1/tickets", status="open,Nouveau").json()["fields"]["status"].startswith("« Nouveau »")
    )
    assert api.get("/api/v1/tickets", order="newest").status_code == 422
    assert api.get("/api/v1/tickets", group="me").status_code == 422
    assert api.get("/api/v1/tickets", limit=0).json()["fields"] == {"limit": "Au moins 1."}
    assert api.get("/api/v1/tickets", assignee="me").status_code == 200
    assert len(api.get("/api/v1/tickets", priority="urgent, high").json()["items"]) == 1


def test_a_report_filter_it_would_ignore_is_refused(desk, api_as):
    api = api_as(desk.supervisor)
    assert (
        api.get("/api/v1/reports/volume", priority="Haute")
        .json()["fields"]["priority"]
        .startswith("« Haute »")
    )
    assert api.get("/api/v1/reports/volume", mode="later").status_code == 422
    assert api.get("/api/v1/reports/volume", by="fortnight").status_code == 422
    assert api.get("/api/v1/reports/volume", priority="high", by="total").status_code == 200


def test_an_unknown_object_is_named_by_its_field(desk, api_as):
    answer = api_as(desk.requester).post("/api/v1/tickets", {"subject": "x", "body": "x", "product": 999999})
    assert answer.status_code == 400
    assert answer.json() == {
        "detail": "Produit introuvable.",
        "code": "invalid",
        "fields": {"product": "Produit introuvable."},
    }


# Every refusal ---------------------------------------------------------------------


def test_every_refusal_has_the_same_shape(desk, api_as):
    ticket = desk.open()
    requester, reader = api_as(desk.requester), api_as(desk.supervisor, scope="read")
    base = f"/api/v1/tickets/{ticket.number}"
    answers = {
        401: Client().get("/api/v1/tickets"),
        403: reader.post(f"{base}/notes", {"body": "Lecture seule"}),
        404: requester.get("/api/v1/tickets/99999999"),
        409: api_as(desk.supervisor).post(f"{base}/status", {"status": "closed"}),
        422: requester.post("/api/v1/tickets", {"subject": "x"}),
    }
    bad_json = requester.client.post(
        "/api/v1/tickets", "{", content_type="application/json", headers=requester._headers()
    )
    answers[400] = bad_json
    for status, answer in answers.items():
        assert answer.status_code == status, (status, answer.content)
        data = answer.json()
        assert set(data) <= {"detail", "code", "fields"}, data
        assert data["detail"]
        assert data["code"], data
    assert answers[403].json()["code"] == "read_only_token"
    assert answers[400].json() == {
        "detail": "Le corps de la requête n'est pas du JSON valide.",
        "code": "bad_request",
    }


def test_an_address_no_endpoint_answers_is_the_apis_404(client):
    answer = client.get("/api/v1/tikets", headers={"Accept-Language": "en"})
    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/json; charset=utf-8"
    assert answer.json()["code"] == "not_found"


def test_without_a_user_the_browsers_language_is_used(db):
    answer = Client().get("/api/v1/tickets", headers={"Accept-Language": "en"})
    assert answer.json()["detail"].startswith("Sign in")
    answer = Client().get("/api/v1/tickets", headers={"Accept-Language": "fr"})
    assert answer.json()["code"] == "unauthorized"
    assert answer.json()["detail"] != "Sign in, or send a valid API token (Authorization: Bearer …)."


def test_a_users_own_language_wins_over_the_browsers(desk):
    _token, text = tokens.create_token(user=desk.requester, name="Script", scope="write")
    answer = Client().post(
        "/api/v1/tickets",
        {"subject": "x", "body": "x", "urgence": True},
        content_type="application/json",
        headers={"Authorization": f"Bearer {text}", "Accept-Language": "en"},
    )
    assert answer.json()["detail"] == "Champ inconnu : urgence."


# A requester's rights --------------------------------------------------------------


def test_a_requester_sets_neither_priority_nor_severity(desk, api_as):
    """The portal's form offers neither: a requester's token opened Urgent and Blocking."""
    api = api_as(desk.requester)
    refused = api.post(
        "/api/v1/tickets",
        {"subject": "Tout de suite", "body": "Vite.", "priority": "urgent", "severity": "blocking"},
    )
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "Seule l'équipe de support renseigne ces champs : priority, severity.",
        "code": "team_only",
        "fields": {
            "priority": "Seule l'équipe de support renseigne ce champ.",
            "severity": "Seule l'équipe de support renseigne ce champ.",
        },
    }
    assert not Ticket.objects.exists()

    # What the portal offers: the urgent tick (which makes it Urgent), and nothing else.
    urgent = api.post(
        "/api/v1/tickets", {"subject": "Site en panne", "body": "Plus rien.", "is_urgent": True}
    )
    assert urgent.status_code == 201
    assert (urgent.json()["priority"], urgent.json()["severity"]) == ("urgent", "normal")


@pytest.mark.parametrize("persona", ["site_owner", "neighbour"])
def test_an_organisation_admin_has_the_portals_rights_too(desk, api_as, persona):
    refused = api_as(getattr(desk, persona)).post(
        "/api/v1/tickets", {"subject": "x", "body": "x", "severity": "minor"}
    )
    assert refused.status_code == 403
    assert set(refused.json()["fields"]) == {"severity"}


def test_the_team_sets_them(desk, api_as):
    opened = api_as(desk.l1).post(
        "/api/v1/tickets",
        {
            "subject": "Appel",
            "body": "Site en panne",
            "priority": "high",
            "severity": "blocking",
            "requester": desk.requester.pk,
        },
    )
    assert opened.status_code == 201, opened.content
    assert (opened.json()["priority"], opened.json()["severity"]) == ("high", "blocking")


def test_a_requester_answers_without_changing_the_status(desk, api_as):
    ticket = desk.open()
    api = api_as(desk.requester)
    refused = api.post(f"/api/v1/tickets/{ticket.number}/replies", {"body": "Merci", "status": "resolved"})
    assert refused.status_code == 403
    assert refused.json()["fields"] == {"status": "Seule l'équipe de support renseigne ce champ."}
    assert ticket.messages.count() == 1


def test_a_requester_chooses_what_the_portals_form_offers(db):
    """One list for both doors: the portal's new-request form and the API's (the request
    form's facts, ``detail_<key>`` fields on the page, travel as ``details``)."""
    offered = {name for name in NewTicketForm().fields if not name.startswith(DETAIL_PREFIX)}
    assert offered | {"details"} == REQUESTER_CHOICES


def test_every_code_is_in_the_readme():
    from pathlib import Path

    from comptoir.admission.models import HeldRequest
    from comptoir.api import errors, pagination, security

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("## API") : readme.index("**Webhooks**")]
    codes = {
        *(code for _cls, _status, code in errors.STATUSES),
        *errors.HTTP_ERRORS.values(),
        errors.FieldError.code,
        errors.TeamOnly.code,
        pagination.BadCursor.code,
        security.ReadOnlyToken.code,
        *HeldRequest.Reason.values,
        "unauthorized",
        "unknown_field",
        "invalid_input",
        "too_large",
        "too_many_files",
        "unavailable",
    }
    assert [c for c in sorted(codes) if f"`{c}`" not in section] == []
