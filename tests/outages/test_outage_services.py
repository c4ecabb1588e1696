"""Procedure 004 as services: declaring an outage tells the team chat (@channel) and marks
the services; updates and the resolution follow; the tickets it caused can be answered and
resolved in one step."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.core import mail

from comptoir.core import outbox
from comptoir.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from comptoir.core.models import OutboxMessage
from comptoir.outages import catalogue, services
from comptoir.outages.models import ChatChannel, Outage, OutageUpdate, Service
from tests.conftest import flush_mail
from tests.outages.conftest import at, fr, paris

START = paris(2026, 3, 12, 9, 40)


def declare(desk, svc, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("title", "Sites inaccessibles")
    kwargs.setdefault("kind", Outage.Kind.HOSTING)
    kwargs.setdefault("services", [svc.sites])
    kwargs.setdefault("message", "Les sites ne répondent plus depuis 9 h 40. L'hébergeur est prévenu.")
    kwargs.setdefault("expected_end_at", START + timedelta(hours=2))
    kwargs.setdefault("by", desk.l1)
    return services.declare(**kwargs)


def state(service: Service) -> str:
    service.refresh_from_db()
    return service.state


def test_declaring_posts_on_the_team_chat_with_channel_mention(desk, svc, slack, http_receiver):
    """« Prévenir l'équipe sur Slack, sur le canal #général en taguant tout le canal »."""
    with at(START):
        outage = declare(desk, svc, cause="Panne du serveur de bases de données", host="OVH")
        outbox.deliver_due()

    (request,) = http_receiver.received
    assert request.path == "/hooks/slack"
    text = json.loads(request.body)["text"]
    headline = fr("Outage declared: %(title)s") % {"title": "Sites inaccessibles"}
    assert text.startswith(f"<!channel> *{headline}*")
    assert "Sites associés WordPress" in text
    assert "Hébergement" in text
    assert "12 mars 2026 09:40" in text  # start, in Paris time
    assert "12 mars 2026 11:40" in text  # expected end
    assert "L'hébergeur est prévenu." in text
    assert "OVH" in text
    assert f"/desk/outages/{outage.pk}/" in text


def test_declaring_marks_the_services_and_records_the_public_message(desk, svc):
    with at(START):
        outage = declare(desk, svc, impact="partial", services=[svc.sites, svc.gestpro])
    assert (state(svc.sites), state(svc.gestpro), state(svc.internal)) == (
        "partial",
        "partial",
        "operational",
    )
    (update,) = outage.updates.all()
    assert (update.kind, update.by, update.at) == ("declared", desk.l1, START)
    assert outage.started_at == START
    assert outage.declared_by == desk.l1


def test_a_service_shows_the_worst_of_its_outages_and_recovers_when_all_are_over(desk, svc):
    with at(START):
        slow = declare(desk, svc, title="Lenteurs", impact="degraded")
        down = declare(desk, svc, title="Panne", impact="major")
    assert state(svc.sites) == "major"
    with at(START + timedelta(hours=1)):
        services.resolve(down, by=desk.l1, message="Rétabli.")
    assert state(svc.sites) == "degraded"
    with at(START + timedelta(hours=2)):
        services.update(slow, by=desk.l1, message="Moins de lenteurs.", impact="maintenance")
    assert state(svc.sites) == "maintenance"
    with at(START + timedelta(hours=3)):
        services.resolve(slow, by=desk.l1, message="Terminé.")
    assert state(svc.sites) == "operational"


def test_an_update_changes_the_expected_end_and_is_announced(desk, svc, slack, http_receiver):
    with at(START):
        outage = declare(desk, svc)
    with at(START + timedelta(minutes=30)):
        services.update(
            outage,
            by=desk.l2,
            message="L'hébergeur remplace un disque.",
            expected_end_at=START + timedelta(hours=4),
            cause="Disque défaillant",
        )
        outbox.deliver_due()
    outage.refresh_from_db()
    assert outage.expected_end_at == START + timedelta(hours=4)
    assert outage.cause == "Disque défaillant"
    assert [u.kind for u in outage.updates.all()] == ["declared", "update"]
    last = json.loads(http_receiver.received[-1].body)["text"]
    assert fr("Outage update: %(title)s") % {"title": "Sites inaccessibles"} in last
    assert "12 mars 2026 13:40" in last
    assert "Disque défaillant" in last


def test_an_update_keeps_the_expected_end_unless_given(desk, svc):
    with at(START):
        outage = declare(desk, svc)
        services.update(outage, by=desk.l1, message="Toujours en cours.")
    outage.refresh_from_db()
    assert outage.expected_end_at == START + timedelta(hours=2)


def test_resolving_announces_the_end_and_refuses_a_second_resolution(desk, svc, slack, http_receiver):
    with at(START):
        outage = declare(desk, svc)
    with at(START + timedelta(hours=1)):
        result = services.resolve(outage, by=desk.l1, message="Les sites sont de nouveau accessibles.")
        outbox.deliver_due()
        with pytest.raises(InvalidTransition):
            services.resolve(outage, by=desk.l2, message="Encore ?")
        with pytest.raises(InvalidTransition):
            services.update(outage, by=desk.l2, message="Encore ?")
    assert result.outage.resolved_at == START + timedelta(hours=1)
    assert result.answered == ()
    end = json.loads(http_receiver.received[-1].body)["text"]
    assert end.startswith(
        "<!channel> *" + fr("Outage resolved: %(title)s") % {"title": "Sites inaccessibles"}
    )
    assert "Les sites sont de nouveau accessibles." in end


def test_resolving_can_answer_and_resolve_the_linked_tickets(desk, svc):
    """The agent chooses to answer every linked ticket with the end message."""
    with at(START):
        outage = declare(desk, svc)
        first = desk.open(subject="Mon site ne s'affiche plus", product=desk.product)
        second = desk.open(requester=desk.site_owner, subject="Site en panne ?", product=desk.product)
        done = desk.open(subject="Déjà réglé", product=desk.product)
        for ticket in (first, second, done):
            services.link_ticket(outage, ticket=ticket, by=desk.l1)
        from comptoir.tickets import services as tickets

        tickets.change_status(done, to="resolved", by=desk.l1)
        flush_mail()
    with at(START + timedelta(hours=1)):
        result = services.resolve(
            outage, by=desk.l1, message="Les sites sont de nouveau accessibles.", answer_tickets=True
        )
        outbox.deliver_due()

    assert {t.pk for t in result.answered} == {first.pk, second.pk}
    assert [(t.pk, why) for t, why in result.skipped] == [(done.pk, fr("already resolved or closed"))]
    for ticket in (first, second):
        ticket.refresh_from_db()
        assert ticket.status == "resolved"
        assert ticket.messages.filter(
            kind="public", body_text="Les sites sont de nouveau accessibles."
        ).exists()
    answers = [m for m in mail.outbox if "Les sites sont de nouveau accessibles." in m.body]
    assert sorted(m.to[0] for m in answers) == sorted([desk.requester.email, desk.site_owner.email])


def test_tickets_the_agent_may_not_answer_are_left_as_they_were(desk, svc):
    with at(START):
        outage = declare(desk, svc, services=[svc.gestpro])
        theirs = desk.open(requester=desk.neighbour, subject="GestPro bloqué", product=desk.other_product)
        services.link_ticket(outage, ticket=theirs, by=desk.stranger_agent)
        result = services.resolve(outage, by=desk.l1, message="Rétabli.", answer_tickets=True)
    assert result.answered == ()
    assert [t.pk for t, _why in result.skipped] == [theirs.pk]
    theirs.refresh_from_db()
    assert theirs.status != "resolved"
    assert result.outage.resolved_at is not None


def test_linking_and_unlinking_a_ticket_shows_at_once_in_the_cached_list(desk, svc):
    with at(START):
        outage = declare(desk, svc)
        ticket = desk.open(product=desk.product)
        assert catalogue.ongoing().linked_to(ticket.pk) == []
        assert services.link_ticket(outage, ticket=ticket, by=desk.l1) is True
        assert services.link_ticket(outage, ticket=ticket, by=desk.l1) is False
        assert [o.id for o in catalogue.ongoing().linked_to(ticket.pk)] == [outage.pk]
        assert services.unlink_ticket(outage, ticket=ticket, by=desk.l1) is True
        assert catalogue.ongoing().linked_to(ticket.pk) == []


def test_an_agent_cannot_link_a_ticket_out_of_their_sight(desk, svc):
    with at(START):
        outage = declare(desk, svc)
        ticket = desk.open(requester=desk.neighbour, product=desk.other_product)
        with pytest.raises(NotFound):
            services.link_ticket(outage, ticket=ticket, by=desk.l1)


def test_requesters_cannot_declare(desk, svc):
    with pytest.raises(PermissionDenied):
        declare(desk, svc, by=desk.requester)
    assert not Outage.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"services": []}, "Choose at least one affected service."),
        ({"message": "  "}, "Write the public message."),
        ({"expected_end_at": START - timedelta(minutes=5)}, "The expected end must come after the start."),
        ({"kind": "meteor"}, "Choose the type of incident."),
        ({"impact": "operational"}, "Choose the impact of the outage."),
    ],
)
def test_a_declaration_with_a_mistake_is_refused_and_writes_nothing(desk, svc, slack, change, message):
    with at(START), pytest.raises(ValidationError, match=re.escape(fr(message))):
        declare(desk, svc, started_at=START, **change)
    assert not Outage.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert state(svc.sites) == "operational"


def test_the_end_cannot_be_before_the_start_or_in_the_future(desk, svc):
    with at(START):
        outage = declare(desk, svc)
        with pytest.raises(ValidationError):
            services.resolve(outage, by=desk.l1, message="Fini.", resolved_at=START - timedelta(hours=1))
        with pytest.raises(ValidationError):
            services.resolve(outage, by=desk.l1, message="Fini.", resolved_at=START + timedelta(hours=1))
    assert OutageUpdate.objects.filter(kind="resolved").count() == 0


def test_channels_hear_only_the_events_they_chose(desk, svc, http_receiver):
    ChatChannel.objects.create(
        name="fin seulement",
        kind="mattermost",
        url=http_receiver.url + "/mm",
        on_declare=False,
        on_update=False,
        mention_channel=False,
        language="en",
    )
    ChatChannel.objects.create(name="inactif", kind="slack", url=http_receiver.url + "/off", is_active=False)
    with at(START):
        outage = declare(desk, svc)
        services.update(outage, by=desk.l1, message="En cours.")
        services.resolve(outage, by=desk.l1, message="Fini.")
        outbox.deliver_due()
    (request,) = http_receiver.received
    assert request.path == "/mm"
    text = json.loads(request.body)["text"]
    assert text.startswith("**Outage resolved: Sites inaccessibles**")  # the channel's language
    assert "@channel" not in text


def test_a_chat_post_refused_by_a_busy_server_is_retried(desk, svc, slack, http_receiver):
    http_receiver.answers.extend([503, 429])
    with at(START):
        declare(desk, svc)
        outbox.deliver_due()
    row = OutboxMessage.objects.get(kind="http")
    assert (row.state, row.attempts) == ("pending", 1)
    with at(START + timedelta(minutes=1)):
        outbox.deliver_due()
    with at(START + timedelta(minutes=3)):
        outbox.deliver_due()
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 3)
    assert len(http_receiver.received) == 1


def test_a_teams_channel_receives_a_card_with_the_facts(desk, svc, http_receiver):
    ChatChannel.objects.create(name="Teams support", kind="teams", url=http_receiver.url + "/teams")
    with at(START):
        declare(desk, svc)
        outbox.deliver_due()
    (request,) = http_receiver.received
    card = json.loads(request.body)
    assert card["@type"] == "MessageCard"
    assert card["text"].startswith("@channel Les sites ne répondent plus")
    facts = {f["name"]: f["value"] for f in card["sections"][0]["facts"]}
    assert facts[fr("Services")] == "Sites associés WordPress"
    assert facts[fr("Start")] == "12 mars 2026 09:40"
    assert facts[fr("Expected end")] == "12 mars 2026 11:40"


@pytest.mark.parametrize("url", ["ftp://chat.example.org/hook", "file:///etc/passwd", "javascript:alert(1)"])
def test_a_chat_channel_takes_web_addresses_only(db, url):
    from django.core.exceptions import ValidationError as FormError

    channel = ChatChannel(name="#général", kind="slack", url=url)
    with pytest.raises(FormError) as refused:
        channel.full_clean()
    assert "url" in refused.value.message_dict
    ChatChannel(name="#général", kind="slack", url="https://hooks.slack.com/services/T/B/X").full_clean()


def test_linking_a_ticket_to_an_outage_is_written_in_its_history(desk, svc):
    with at(START):
        outage = declare(desk, svc)
        ticket = desk.open(subject="Mon site ne s'affiche plus", product=desk.product)

        assert services.link_ticket(outage, ticket=ticket, by=desk.l1) is True
        assert services.link_ticket(outage, ticket=ticket, by=desk.l1) is False  # already linked
        assert services.unlink_ticket(outage, ticket=ticket, by=desk.l1) is True

    history = list(
        ticket.events.filter(kind__startswith="outage").values_list("kind", "actor", "changes", "is_public")
    )
    link = {"outage": outage.pk, "title": outage.title}
    assert history == [
        ("outage_linked", desk.l1.pk, link, False),
        ("outage_unlinked", desk.l1.pk, link, False),
    ]


def test_a_planned_maintenance_changes_the_services_only_when_it_starts(desk, svc, client):
    """Declared on Monday for Thursday night: until then the sites are operational, the status
    page lists it as planned and the new-request form says nothing; at its start the minute
    job puts the sites in maintenance, and running it again changes nothing."""
    night = START + timedelta(days=3, hours=12)
    with at(START):
        outage = declare(
            desk,
            svc,
            title="Mise à jour de WordPress",
            kind=Outage.Kind.MAINTENANCE,
            impact="maintenance",
            message="Les sites seront indisponibles jeudi soir pendant la mise à jour.",
            started_at=night,
            expected_end_at=night + timedelta(hours=1),
        )
        assert state(svc.sites) == "operational"
        assert services.start_planned() == 0
        document = json.loads(client.get("/status/status.json").content)
        assert ([o["id"] for o in document["planned"]], document["ongoing"]) == ([outage.pk], [])
        assert catalogue.ongoing().affecting(desk.product.pk) == []

    with at(night + timedelta(seconds=30)):
        assert services.start_planned() == 1
        assert services.start_planned() == 0
        assert state(svc.sites) == "maintenance"
        document = json.loads(client.get("/status/status.json").content)
        assert ([o["id"] for o in document["ongoing"]], document["planned"]) == ([outage.pk], [])
        assert [o.id for o in catalogue.ongoing().affecting(desk.product.pk)] == [outage.pk]
