"""Who sees which ticket, through every page, form, file and guessed URL.

The rules (``comptoir.tickets.permissions``): requesters see their own tickets,
organisation admins their organisation's, agents their groups' tickets plus the unrouted
triage tickets and the tickets assigned to them, supervisors and admins every ticket. A
ticket one may not see answers 404 exactly like a number that does not exist, so numbers
cannot be probed; requesters and organisation admins never reach the desk.

Each matrix test builds the same five tickets once, then knocks on one door as one
persona with every ticket, and with a number nobody holds.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.db.models import Max
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comptoir.accounts.models import User
from comptoir.core.models import OutboxMessage
from comptoir.tickets import services
from comptoir.tickets.attachments import IncomingFile
from comptoir.tickets.models import Attachment, Message, Ticket, TicketEvent
from tests.conftest import Desk
from tests.pages import flashes, portal_list_numbers, queue_numbers

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

# The five tickets, and who may see each.
TICKETS = {
    "own": "the requester's, about the parish site (routed to L1)",
    "colleague": "the parish site owner's own, routed to L2",
    "neighbour": "the other organisation's, routed to another L1 group",
    "triage": "the other organisation's admin's, not routed yet (no group)",
    "held": "the other organisation's, in L3's group, held by the L1 agent who has left L3",
}
EVERY_TICKET = frozenset(TICKETS)
SEES = {
    "requester": {"own"},
    "site_owner": {"own", "colleague"},
    "neighbour": {"neighbour", "held"},
    "other_admin": {"neighbour", "triage", "held"},
    "l1": {"own", "triage", "held"},
    "l2": {"colleague", "triage"},
    "l3": {"triage", "held"},
    "stranger_agent": {"neighbour", "triage"},
    "supervisor": EVERY_TICKET,
    "admin": EVERY_TICKET,
    "anonymous": frozenset(),
}
PERSONAS = list(SEES)
REQUESTER_SIDE = {"requester", "site_owner", "neighbour", "other_admin"}
STAFF = [p for p in PERSONAS if p not in REQUESTER_SIDE and p != "anonymous"]


@dataclass(frozen=True)
class Opened:
    key: str
    number: int
    subject: str
    body: str
    file: str  # "<attachment pk>/<file name>", as in the download URL


@dataclass(frozen=True)
class Door:
    method: str
    path: str
    payload: Callable[[Desk], dict[str, Any]] = lambda desk: {}

    @property
    def edge(self) -> str:
        return self.path.split("/")[1]

    def knock(self, client: Client, desk: Desk, ticket: Opened) -> Any:
        url = self.path.format(n=ticket.number, file=ticket.file)
        if self.method == "GET":
            return client.get(url)
        return client.post(url, self.payload(desk))


DOORS = {
    "portal page": Door("GET", "/portal/tickets/{n}/"),
    "portal file": Door("GET", "/portal/files/{file}"),
    "portal reply": Door(
        "POST", "/portal/tickets/{n}/reply/", lambda desk: {"body": "Une réponse glissée par un curieux."}
    ),
    "portal status": Door("POST", "/portal/tickets/{n}/status/", lambda desk: {"status": "resolved"}),
    "desk page": Door("GET", "/desk/tickets/{n}/"),
    "desk reply": Door(
        "POST", "/desk/tickets/{n}/reply/", lambda desk: {"body": "Voici la marche à suivre."}
    ),
    "desk note": Door("POST", "/desk/tickets/{n}/note/", lambda desk: {"body": "Client à rappeler."}),
    "desk take": Door("POST", "/desk/tickets/{n}/take/"),
    "desk assign": Door("POST", "/desk/tickets/{n}/assign/", lambda desk: {"assignee": desk.supervisor.pk}),
    "desk status": Door(
        "POST", "/desk/tickets/{n}/status/", lambda desk: {"status": "on_hold", "reason": "Attente hébergeur"}
    ),
    "desk requalify": Door(
        "POST",
        "/desk/tickets/{n}/requalify/",
        lambda desk: {
            "type": "incident",
            "severity": "blocking",
            "priority": "high",
            "reason": "Site en panne",
        },
    ),
    "desk escalate": Door("POST", "/desk/tickets/{n}/escalate/", lambda desk: {"reason": "Hors de portée"}),
    "desk urgency": Door(
        "POST", "/desk/tickets/{n}/urgency/", lambda desk: {"urgent": "1", "reason": "Site hors service"}
    ),
}


def refused_by_a_rule(persona: str, ticket: str, door_name: str) -> bool:
    """Through the door, then refused by a business rule: the ticket page comes back with
    the reason (400). Escalating past L3; taking a ticket another agent holds (for the
    L1 agent who holds it, taking it again changes nothing and is no refusal)."""
    if ticket != "held":
        return False
    return door_name == "desk escalate" or (door_name == "desk take" and persona != "l1")


# After these, the ticket has left the agent's sight (handed over while he only saw it as
# its holder): he is sent back to the queue. Escalating never does: who worked a ticket
# keeps reading it (procedure 000: L1 stays the parish's contact).
LEAVES_SIGHT = {
    ("l1", "held", "desk assign"),
}


def open_the_tickets(desk: Desk) -> list[Opened]:
    def open_one(key: str, **kwargs: Any) -> Ticket:
        return desk.open(attachments=[IncomingFile(f"capture-{key}.png", PNG)], **kwargs)

    made = {
        "own": open_one(
            "own",
            subject="Formulaire de don introuvable",
            body="Le bouton de don a disparu de la page d'accueil.",
            product=desk.product,
        ),
        "colleague": open_one(
            "colleague",
            requester=desk.site_owner,
            subject="Renouvellement du nom de domaine paroissial",
            body="Le registraire nous relance pour le renouvellement.",
            group=desk.group_l2,
        ),
        "neighbour": open_one(
            "neighbour",
            requester=desk.neighbour,
            subject="Export comptable GestPro en erreur",
            body="L'export du grand livre s'arrête à mi-parcours.",
            product=desk.other_product,
        ),
        "triage": open_one(
            "triage",
            requester=desk.other_admin,
            subject="Accès pour une nouvelle secrétaire de mairie",
            body="Merci de créer un compte pour notre nouvelle collègue.",
        ),
        "held": open_one(
            "held",
            requester=desk.neighbour,
            subject="Lenteurs du serveur de cartographie",
            body="Les cartes du cadastre mettent une minute à s'afficher.",
            group=desk.group_l3,
        ),
    }
    # The L1 agent took this one while he helped L3, then went back to L1 only.
    desk.group_l3.members.add(desk.l1)
    services.assign(made["held"], to=User.objects.get(pk=desk.l1.pk), by=desk.supervisor)
    desk.group_l3.members.remove(desk.l1)
    files = {a.ticket_id: f"{a.pk}/{a.filename}" for a in Attachment.objects.all()}
    return [
        Opened(key, t.number, t.subject, t.messages.get().body_text, files[t.pk]) for key, t in made.items()
    ]


def nobody_holds() -> Opened:
    """A number (and a file) that does not exist."""
    top = Ticket.objects.aggregate(top=Max("number"))["top"] or 0
    top_file = Attachment.objects.aggregate(top=Max("pk"))["top"] or 0
    return Opened("missing", top + 1000, "", "", f"{top_file + 1000}/capture-own.png")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def sign_in(client: Client, desk: Desk, persona: str) -> None:
    if persona != "anonymous":
        client.force_login(getattr(desk, persona))


def db_state() -> dict[str, object]:
    """Everything a door could write: conversation, history, files, mails, tickets."""
    return {
        "messages": Message.objects.count(),
        "events": TicketEvent.objects.count(),
        "attachments": Attachment.objects.count(),
        "outbox": OutboxMessage.objects.count(),
        "tickets": list(
            Ticket.objects.order_by("number").values_list(
                "number",
                "status",
                "assignee_id",
                "group_id",
                "type",
                "severity",
                "priority",
                "is_urgent",
                "updated_at",
            )
        ),
    }


def read(response: Any) -> bytes:
    """The body, streamed or not (reading a file response to its end closes it)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def without(text: str, *identifiers: object) -> str:
    """The page without what differs from one request to the next anyway: the identifiers
    asked for, the CSRF token (masked afresh on every page) and the messages left by the
    previous, allowed, actions."""
    for identifier in identifiers:
        text = text.replace(str(identifier), "…")
    text = re.sub(r'<div [^>]*data-testid="flash">.*?</div>', "", text)
    return " ".join(re.sub(r"\b[A-Za-z0-9]{64}\b", "<csrf>", text).split())


REACHABLE = [
    (persona, door_name)
    for persona in PERSONAS
    for door_name, door in DOORS.items()
    if persona in STAFF or (persona in REQUESTER_SIDE and door.edge == "portal")
]


@pytest.mark.parametrize(("persona", "door_name"), REACHABLE)
def test_a_ticket_door_opens_only_for_those_who_may_see_the_ticket(desk, client, persona, door_name):
    tickets = open_the_tickets(desk)
    door = DOORS[door_name]
    sign_in(client, desk, persona)

    missing = nobody_holds()
    before = db_state()
    answer_to_missing = door.knock(client, desk, missing)
    assert answer_to_missing.status_code == 404
    assert db_state() == before

    for ticket in tickets:
        where = f"{persona} → {door_name} of the {ticket.key} ticket (#{ticket.number})"
        hidden = ticket.key not in SEES[persona]
        before = db_state() if hidden else None
        response = door.knock(client, desk, ticket)
        content = read(response)
        body = content.decode(errors="replace")

        if hidden:
            assert response.status_code == 404, where
            assert db_state() == before, f"{where}: something was written"
            assert ticket.subject not in body, where
            assert ticket.body not in body, where
            # Not a byte apart from the answer to a number nobody holds.
            assert without(body, ticket.number, ticket.file) == without(
                answer_to_missing.content.decode(), missing.number, missing.file
            ), where
        elif door_name == "portal file":
            assert response.status_code == 200, where
            assert response["Content-Type"] == "image/png", where
            assert content == PNG, where
        elif door.method == "GET":
            assert response.status_code == 200, where
            assert ticket.subject in body, where
        elif refused_by_a_rule(persona, ticket.key, door_name):
            assert response.status_code == 400, where
            assert ticket.subject in body, where
            assert flashes(body)[-1][0] == "danger", where
        elif (persona, ticket.key, door_name) in LEAVES_SIGHT:
            assert response.status_code == 302, where
            assert response["Location"] == "/desk/", where
        else:
            assert response.status_code == 302, where
            assert response["Location"] == f"/{door.edge}/tickets/{ticket.number}/", where


@pytest.mark.parametrize("persona", sorted(REQUESTER_SIDE))
def test_requesters_and_organisation_admins_never_reach_the_desk(desk, client, persona):
    tickets = [*open_the_tickets(desk), nobody_holds()]
    client.force_login(getattr(desk, persona))

    for door_name, door in DOORS.items():
        if door.edge != "desk":
            continue
        for ticket in tickets:
            where = f"{persona} → {door_name} of the {ticket.key} ticket (#{ticket.number})"
            before = db_state()
            response = door.knock(client, desk, ticket)
            assert response.status_code == 403, where
            assert db_state() == before, f"{where}: something was written"
            if ticket.subject:
                assert ticket.subject not in response.content.decode(), where


def test_anonymous_visitors_are_sent_to_sign_in_and_change_nothing(desk, client):
    tickets = [*open_the_tickets(desk), nobody_holds()]

    for door_name, door in DOORS.items():
        for ticket in tickets:
            where = f"anonymous → {door_name} of the {ticket.key} ticket (#{ticket.number})"
            before = db_state()
            response = door.knock(client, desk, ticket)
            assert response.status_code == 302, where
            assert response["Location"].startswith("/accounts/login/?next="), where
            assert db_state() == before, f"{where}: something was written"
            if ticket.subject:
                assert ticket.subject not in response.content.decode(), where


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_portal_list_shows_exactly_the_tickets_one_may_see(desk, client, persona):
    tickets = open_the_tickets(desk)
    sign_in(client, desk, persona)

    response = client.get("/portal/")

    body = response.content.decode()
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 200
        newest_first = [t.number for t in reversed(tickets) if t.key in SEES[persona]]
        assert portal_list_numbers(body) == newest_first
    for ticket in tickets:
        assert (ticket.subject in body) == (ticket.key in SEES[persona]), ticket.key


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_desk_queue_lists_exactly_the_tickets_one_may_see(desk, client, persona):
    tickets = open_the_tickets(desk)
    sign_in(client, desk, persona)

    response = client.get("/desk/", {"sort": "-number"})

    body = response.content.decode()
    listed = SEES[persona] if persona in STAFF else set()
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif persona in REQUESTER_SIDE:
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert queue_numbers(body) == [t.number for t in reversed(tickets) if t.key in listed]
    for ticket in tickets:
        assert (ticket.subject in body) == (ticket.key in listed), ticket.key


@pytest.mark.parametrize("persona", STAFF)
def test_searching_the_queue_by_number_finds_only_visible_tickets(desk, client, persona):
    tickets = [*open_the_tickets(desk), nobody_holds()]
    sign_in(client, desk, persona)

    for ticket in tickets:
        for search in (f"#{ticket.number}", str(ticket.number)):
            response = client.get("/desk/", {"q": search})
            assert response.status_code == 200
            found = [ticket.number] if ticket.key in SEES[persona] else []
            assert queue_numbers(response.content) == found, f"{persona} searching {search} ({ticket.key})"
            if ticket.subject:
                assert (ticket.subject in response.content.decode()) == bool(found)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_support_team_reaches_the_phone_call_page(desk, client, persona):
    sign_in(client, desk, persona)
    tickets_before = Ticket.objects.count()

    page = client.get("/desk/phone/")
    sent = client.post(
        "/desk/phone/",
        {"requester": desk.requester.pk, "subject": "Appel urgent", "body": "Le site est en panne."},
    )

    if persona == "anonymous":
        assert page.status_code == sent.status_code == 302
        assert page["Location"].startswith("/accounts/login/")
        assert Ticket.objects.count() == tickets_before
    elif persona in REQUESTER_SIDE:
        assert page.status_code == sent.status_code == 403
        assert Ticket.objects.count() == tickets_before
    else:
        assert page.status_code == 200
        assert sent.status_code == 302
        assert Ticket.objects.count() == tickets_before + 1


@pytest.mark.parametrize("action", ["delete", "close", "merge", "REPLY"])
def test_a_guessed_desk_action_is_not_found_and_changes_nothing(desk, client, action):
    ticket = desk.open(product=desk.product)
    client.force_login(desk.supervisor)
    before = db_state()

    response = client.post(f"/desk/tickets/{ticket.number}/{action}/", {"body": "x", "reason": "x"})

    assert response.status_code == 404
    assert db_state() == before


@pytest.mark.parametrize(
    "path",
    [
        "/portal/tickets/{n}/reply/",
        "/portal/tickets/{n}/status/",
        "/desk/tickets/{n}/note/",
        "/desk/tickets/{n}/take/",
    ],
)
def test_forms_do_not_act_on_a_get(desk, client, path):
    ticket = desk.open(product=desk.product)
    client.force_login(desk.supervisor)
    before = db_state()

    response = client.get(path.format(n=ticket.number), {"body": "x", "status": "resolved"})

    assert response.status_code == 405
    assert db_state() == before


def test_a_file_is_found_only_under_its_own_name(desk, client):
    ticket = desk.open(attachments=[IncomingFile("capture.png", PNG)])
    attachment = Attachment.objects.get(ticket=ticket)
    client.force_login(desk.requester)

    found = client.get(f"/portal/files/{attachment.pk}/capture.png")
    assert found.status_code == 200
    assert read(found) == PNG
    assert client.get(f"/portal/files/{attachment.pk}/autre.png").status_code == 404


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("l1", "/admin/"),
        ("l1", "/admin/accounts/user/"),
        ("l2", "/admin/"),
        ("supervisor", "/admin/"),
        ("supervisor", "/admin/catalog/group/"),
        ("requester", "/admin/"),
        ("site_owner", "/admin/accounts/organisation/"),
    ],
)
def test_django_admin_is_refused_to_people_without_is_staff(desk, client, persona, path):
    client.force_login(getattr(desk, persona))

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


@pytest.mark.parametrize("path", ["/desk/mail/outbox/", "/desk/mail/quarantine/"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_mail_pages_are_for_supervisors_and_admins_only(desk, client, persona, path):
    """The outbox holds every mail sent, about every ticket: no agent or requester reads it."""
    desk.open(subject="Formulaire de don introuvable")
    sign_in(client, desk, persona)

    response = client.get(path)

    if persona == "anonymous":
        assert response.status_code == 302
    elif persona in {"supervisor", "admin"}:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "Formulaire de don introuvable" not in response.content.decode()


def test_django_admin_opens_for_the_administrator(desk, client):
    client.force_login(desk.admin)

    assert client.get("/admin/").status_code == 200


def csrf_token_from(client: Client, url: str) -> str:
    client.get(url)
    return client.cookies["csrftoken"].value


def test_the_new_request_form_refuses_a_post_without_its_csrf_token(desk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk.requester)
    form = {"subject": "Demande forgée", "body": "Envoyée depuis un autre site."}

    forged = client.post("/portal/new/", form)

    assert forged.status_code == 403
    assert not Ticket.objects.exists()
    # The same form with its token goes through: the refusal was the missing token.
    token = csrf_token_from(client, "/portal/new/")
    genuine = client.post("/portal/new/", {**form, "csrfmiddlewaretoken": token})
    assert genuine.status_code == 302
    assert Ticket.objects.get().subject == "Demande forgée"


def test_a_desk_action_refuses_a_post_without_its_csrf_token(desk):
    ticket = desk.open(product=desk.product)
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk.l1)
    before = db_state()

    forged = client.post(f"/desk/tickets/{ticket.number}/note/", {"body": "Note forgée"})

    assert forged.status_code == 403
    assert db_state() == before
    token = csrf_token_from(client, f"/desk/tickets/{ticket.number}/")
    genuine = client.post(
        f"/desk/tickets/{ticket.number}/note/", {"body": "Note forgée", "csrfmiddlewaretoken": token}
    )
    assert genuine.status_code == 302
    assert ticket.messages.filter(kind=Message.Kind.INTERNAL, body_text="Note forgée").exists()


@pytest.mark.parametrize(("persona", "door_name"), [("requester", "portal page"), ("l1", "desk page")])
def test_a_hidden_ticket_costs_the_same_queries_as_a_missing_number(desk, client, persona, door_name):
    """No timing difference to probe either: a ticket one may not see is not read at all."""
    tickets = {t.key: t for t in open_the_tickets(desk)}
    sign_in(client, desk, persona)
    door = DOORS[door_name]
    missing = nobody_holds()
    door.knock(client, desk, missing)  # per-process caches (menus, policies) are warm for both

    with CaptureQueriesContext(connection) as for_hidden:
        assert door.knock(client, desk, tickets["neighbour"]).status_code == 404
    with CaptureQueriesContext(connection) as for_missing:
        assert door.knock(client, desk, missing).status_code == 404

    assert len(for_hidden) == len(for_missing)
