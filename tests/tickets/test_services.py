"""The ticket services, as the procedures describe them."""

from __future__ import annotations

import pytest
from django.core import mail

from comptoir.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from comptoir.tickets import services
from comptoir.tickets.models import Message, TicketEvent
from tests.conftest import flush_mail
from tests.pages import followed_number


def kinds(ticket):
    return list(ticket.events.order_by("at", "pk").values_list("kind", flat=True))


def test_a_new_request_gets_its_number_at_once_and_an_acknowledgement(
    desk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = desk.open()
    assert ticket.number >= 100001
    assert ticket.reference == f"#{ticket.number}"
    assert ticket.status == "new"
    assert ticket.organisation == desk.parish
    assert ticket.group == desk.group_l1 or ticket.group is None
    assert kinds(ticket) == ["created"]
    assert len(mail.outbox) == 1
    ack = mail.outbox[0]
    assert ack.to == [desk.requester.email]
    assert ack.subject.startswith(f"[#{ticket.number}] ")
    assert "Demande reçue" in ack.subject
    assert followed_number(ack.body) == ticket.number
    assert ack.extra_headers["Message-ID"].startswith(f"<comptoir.{ticket.number}.")


def test_numbers_strictly_increase_and_are_never_reused(desk):
    numbers = [desk.open(subject=f"Demande {i}").number for i in range(5)]
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == 5


def test_the_product_default_group_receives_the_ticket(desk):
    ticket = desk.open(product=desk.product)
    assert ticket.group == desk.group_l1


def test_an_empty_subject_is_refused_with_a_clear_message(desk):
    with pytest.raises(ValidationError, match="objet est vide"):
        desk.open(subject="   ")


def test_a_component_must_belong_to_the_product(desk):
    with pytest.raises(ValidationError):
        desk.open(product=desk.other_product, component=desk.component)


def test_agent_answer_opens_the_ticket_and_mails_the_requester(desk, django_capture_on_commit_callbacks):
    ticket = desk.open(product=desk.product)
    flush_mail()
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(
            ticket, by=desk.l1, body="Voici la marche à suivre : menu Mailpoet > Abonnés > Importer."
        )
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert ticket.first_response_at is not None
    assert kinds(ticket) == ["created", "replied", "status_changed"]
    assert [m.subject for m in mail.outbox] == [f"[#{ticket.number}] Nouvelle réponse : {ticket.subject}"]


def test_agent_can_answer_and_wait_on_the_requester(desk):
    ticket = desk.open(product=desk.product)
    services.reply(
        ticket, by=desk.l1, body="Pouvez-vous préciser le format du fichier ?", set_status="pending"
    )
    ticket.refresh_from_db()
    assert ticket.status == "pending"


def test_requester_reply_reopens_a_ticket_waiting_on_them(desk):
    ticket = desk.open(product=desk.product)
    services.reply(ticket, by=desk.l1, body="Quel navigateur ?", set_status="pending")
    services.reply(ticket, by=desk.requester, body="Firefox.")
    ticket.refresh_from_db()
    assert ticket.status == "open"


def test_requester_reply_before_closure_reopens_a_resolved_ticket(desk):
    ticket = desk.open(product=desk.product)
    services.change_status(ticket, to="resolved", by=desk.l1)
    services.reply(ticket, by=desk.requester, body="Ça ne marche toujours pas.")
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert ticket.resolved_at is None


def test_a_closed_ticket_takes_no_reply_and_says_to_open_a_new_one(desk):
    ticket = desk.open(product=desk.product)
    services.change_status(ticket, to="resolved", by=desk.l1)
    services.change_status(ticket, to="closed", by=None)
    with pytest.raises(InvalidTransition, match="nouvelle demande"):
        services.reply(ticket, by=desk.requester, body="Encore une question")


def test_internal_notes_are_invisible_to_the_requester(desk, client):
    ticket = desk.open(product=desk.product)
    services.add_note(ticket, by=desk.l1, body="Client déjà relancé la semaine dernière.")
    assert ticket.messages.filter(kind=Message.Kind.INTERNAL).count() == 1
    client.force_login(desk.requester)
    page = client.get(f"/portal/tickets/{ticket.number}/")
    assert page.status_code == 200
    assert "déjà relancé" not in page.content.decode()


def test_requesters_cannot_add_notes(desk):
    ticket = desk.open(product=desk.product)
    with pytest.raises(PermissionDenied):
        services.add_note(ticket, by=desk.requester, body="note")


def test_take_assigns_the_agent_opens_and_records_pick_up(desk):
    ticket = desk.open(product=desk.product)
    services.take(ticket, by=desk.l1)
    ticket.refresh_from_db()
    assert ticket.assignee == desk.l1
    assert ticket.status == "open"
    assert ticket.taken_at is not None
    assert kinds(ticket) == ["created", "taken", "status_changed"]


def test_taking_a_ticket_held_by_someone_else_is_refused(desk):
    ticket = desk.open()  # triage: any agent sees it
    services.take(ticket, by=desk.l1)
    with pytest.raises(InvalidTransition, match="Un autre agent"):
        services.take(ticket, by=desk.stranger_agent)


def test_an_agent_outside_the_group_cannot_touch_the_ticket(desk):
    ticket = desk.open(product=desk.product)
    with pytest.raises(NotFound):
        services.take(ticket, by=desk.stranger_agent)


def test_assign_to_a_group_member_mails_them(desk, django_capture_on_commit_callbacks):
    ticket = desk.open(product=desk.product)
    flush_mail()
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.assign(ticket, to=desk.l1, by=desk.supervisor)
    assert ticket.assignee == desk.l1
    assert [m.to for m in mail.outbox] == [[desk.l1.email]]


def test_assign_to_an_agent_outside_the_group_is_refused(desk):
    ticket = desk.open(product=desk.product)
    with pytest.raises(ValidationError):
        services.assign(ticket, to=desk.stranger_agent, by=desk.supervisor)


@pytest.mark.parametrize(
    ("path", "target"),
    [(["resolved", "closed"], "on_hold"), (["resolved", "closed"], "open"), ([], "closed")],
)
def test_invalid_status_changes_raise_a_clear_error(desk, path, target):
    ticket = desk.open(product=desk.product)
    for step in path:
        ticket = services.change_status(ticket, to=step, by=desk.l1)
    with pytest.raises(InvalidTransition, match="ne peut pas passer"):
        services.change_status(ticket, to=target, by=desk.l1)


def test_resolution_and_closure_are_mailed(desk, django_capture_on_commit_callbacks):
    ticket = desk.open(product=desk.product)
    flush_mail()
    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(ticket, to="resolved", by=desk.l1)
        services.change_status(ticket, to="closed", by=None)
    assert [m.subject.split("]")[0] for m in mail.outbox] == [f"[#{ticket.number}"] * 2
    assert "résolue" in mail.outbox[0].subject
    assert "clôturée" in mail.outbox[1].subject


def test_requester_may_say_it_is_solved_but_not_put_it_on_hold(desk):
    ticket = desk.open(product=desk.product)
    with pytest.raises(PermissionDenied):
        services.change_status(ticket, to="on_hold", by=desk.requester)
    services.change_status(ticket, to="resolved", by=desk.requester)
    ticket.refresh_from_db()
    assert ticket.status == "resolved"


def test_requalification_needs_a_reason_and_records_old_and_new(desk):
    ticket = desk.open(product=desk.product)
    with pytest.raises(ValidationError, match="motif"):
        services.requalify(ticket, by=desk.l1, reason=" ", priority="urgent")
    services.requalify(
        ticket, by=desk.l1, reason="Bloque la clôture comptable", priority="urgent", type="incident"
    )
    event = ticket.events.get(kind=TicketEvent.Kind.REQUALIFIED)
    assert event.changes == {"type": ["question", "incident"], "priority": ["normal", "urgent"]}
    assert event.reason == "Bloque la clôture comptable"
    assert event.actor == desk.l1


def test_requesters_cannot_requalify(desk):
    ticket = desk.open(product=desk.product)
    with pytest.raises(PermissionDenied):
        services.requalify(ticket, by=desk.requester, reason="svp", priority="urgent")


def test_escalation_to_l2_moves_the_ticket_with_a_reason_and_a_note(desk):
    ticket = desk.open(product=desk.product)
    services.take(ticket, by=desk.l1)
    with pytest.raises(ValidationError):
        services.escalate(ticket, by=desk.l1, reason="")
    services.escalate(ticket, by=desk.l1, reason="Demande commerciale : relève du niveau 2")
    ticket.refresh_from_db()
    assert ticket.group == desk.group_l2
    assert ticket.assignee is None
    event = ticket.events.get(kind="escalated")
    assert event.changes["tier"] == ["L1", "L2"]
    assert event.is_public is False
    note = ticket.messages.get(kind="internal")
    assert "niveau 2" in note.body_text
    services.escalate(ticket, by=desk.l2, reason="Anomalie à corriger")
    ticket.refresh_from_db()
    assert ticket.group == desk.group_l3
    with pytest.raises(InvalidTransition, match="plus haut niveau"):
        services.escalate(ticket, by=desk.l3, reason="encore")


def test_every_change_is_in_the_history_with_its_author(desk):
    ticket = desk.open(product=desk.product)
    services.take(ticket, by=desk.l1)
    services.reply(ticket, by=desk.l1, body="Réponse", set_status="pending")
    services.reply(ticket, by=desk.requester, body="Merci")
    services.change_status(ticket, to="resolved", by=desk.l1)
    history = list(ticket.events.order_by("at", "pk").values_list("kind", "actor__username"))
    assert history == [
        ("created", "pierremartin"),
        ("taken", "leaagent"),
        ("status_changed", "leaagent"),
        ("replied", "leaagent"),
        ("status_changed", "leaagent"),
        ("replied", "pierremartin"),
        ("status_changed", "pierremartin"),
        ("status_changed", "leaagent"),
        ("survey_sent", None),  # procedure 003: the requester is asked for their opinion
    ]
