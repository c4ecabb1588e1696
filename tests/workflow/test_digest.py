"""Procedure 003: « régulièrement, un état des incidents en cours est effectué afin
qu'aucune demande ne reste sans réponse ». The review of open requests goes each morning
to the supervisors (every group) and to each group (its own requests), and can be read and
sent at once from the desk."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from comptoir.calendars import BusinessCalendar
from comptoir.core.models import OutboxMessage
from comptoir.sla import scan
from comptoir.tickets import services
from comptoir.tickets.models import Ticket
from comptoir.workflow import digest, digest_delivery, digest_times
from comptoir.workflow.models import DigestSchedule, DigestSending
from tests.conftest import Desk
from tests.factories import UserFactory
from tests.pages import by_testid, flashes
from tests.workflow.backlog import PARIS, WEEK, Backlog, at, paris, seed

TUESDAY_0830 = paris(2026, 12, 8, 8, 30)


@pytest.fixture
def backlog(desk: Desk) -> Backlog:
    """Tuesday 8 December 2026, 8:30: the SLA scan has run, the morning review is set."""
    made = seed(desk)
    with at(TUESDAY_0830):
        scan.mark_breaches()
    OutboxMessage.objects.all().delete()
    DigestSchedule.objects.create(name="Revue du matin", send_at=time(8, 30))
    return made


def mails_to(email: str) -> list[dict]:
    return [m.payload for m in OutboxMessage.objects.order_by("pk") if m.payload["to"] == [email]]


def line(ticket: Ticket, group: str, assignee: str, org: str, status: str, when: str) -> str:
    return (
        f"- {ticket.reference} {ticket.subject}\n"
        f"  {group} · {assignee} · {org} · {status} · {when}\n"
        f"  http://127.0.0.1:8000/desk/tickets/{ticket.number}/\n"
    )


def test_the_morning_review_lists_unanswered_late_blocking_and_forgotten_requests(desk, backlog):
    desk.supervisor.language = "en"
    desk.supervisor.save()
    b = backlog
    with at(TUESDAY_0830):
        assert digest_delivery.send_due() == 3  # the supervisor, and the two groups concerned
    [mail] = mails_to(desk.supervisor.email)
    parish, town = "Paroisse Saint-Seurin", "Mairie de Villeneuve"
    lea, other = desk.l1.display_name, desk.stranger_agent.display_name
    assert mail["subject"] == (
        "Review of open requests — Unanswered 2 · SLA breached 1 · Due soon 2 · Blocking 1 · No activity 1"
    )
    expected = (
        "Review of the open requests of every group\n"
        "Dec. 8, 2026, 8:30 a.m.\n"
        "\n"
        "Unanswered: no reply from the team yet (2)\n"
        + line(b.unanswered, "Pôle maintenance", "Unassigned", parish, "New", "received 12/07/2026 10 a.m.")
        + line(b.triage, "Triage (no group)", "Unassigned", parish, "New", "received 12/08/2026 7 a.m.")
        + "\n"
        "SLA target breached (1)\n"
        + line(b.unanswered, "Pôle maintenance", "Unassigned", parish, "New", "received 12/07/2026 10 a.m.")
        + "\n"
        "SLA target due within 4 business hours (2)\n"
        # Sent at 7:00, before opening: acknowledgement due at 10:30 on the parish's calendar.
        + line(b.triage, "Triage (no group)", "Unassigned", parish, "New", "due 12/08/2026 10:30 a.m.")
        # Friday 11:00, 15 business hours to resolve: Friday 6 h, Monday 7.5 h, Tuesday 1.5 h.
        + line(b.due_soon, "Pôle maintenance", lea, parish, "Open", "due 12/08/2026 11 a.m.")
        + "\n"
        "Blocking, still open (1)\n"
        + line(b.blocking, "Autre équipe", other, town, "Open", "received 12/03/2026 9 a.m.")
        + "\n"
        "No activity for 3 business days (1)\n"
        # The town hall has no calendar: 3 plain days.
         + line(b.blocking, "Autre équipe", other, town, "Open", "last activity 12/03/2026 10 a.m.") + "\n"
        "By group (Unanswered / SLA breached / Due soon / Blocking / No activity)\n"
        "- Triage (no group): 1 / 0 / 1 / 0 / 0\n"
        "- Autre équipe (L1): 0 / 0 / 0 / 1 / 1\n"
        "- Pôle maintenance (L1): 1 / 1 / 1 / 0 / 0\n"
        "\n"
        "By assignee (Unanswered / SLA breached / Due soon / Blocking / No activity)\n"
        "- Unassigned: 2 / 1 / 1 / 0 / 0\n"
        + "\n".join(
            sorted(
                [f"- {lea}: 0 / 0 / 1 / 0 / 0", f"- {other}: 0 / 0 / 0 / 1 / 1"],
                key=lambda s: s.casefold(),
            )
        )
        + "\n\n"
        "The whole review: http://127.0.0.1:8000/desk/review/\n"
    )
    assert mail["body"] == expected
    assert mail["headers"] == {"Auto-Submitted": "auto-generated"}
    assert f'<a href="http://127.0.0.1:8000/desk/tickets/{b.unanswered.number}/">' in mail["html"]
    # Neither the request waiting on its requester nor the resolved one is listed.
    for quiet in (b.waiting, b.resolved):
        assert quiet.reference not in mail["body"]


def test_each_group_receives_only_its_own_requests(desk, backlog):
    desk.l1.language = "en"
    desk.l1.save()
    b = backlog
    with at(TUESDAY_0830):
        digest_delivery.send_due()
    [mail] = mails_to(desk.l1.email)
    lea = desk.l1.display_name
    parish = "Paroisse Saint-Seurin"
    assert mail["subject"] == (
        "Review of open requests — Pôle maintenance — Unanswered 1 · SLA breached 1 · Due soon 1"
    )
    assert mail["body"] == (
        "Review of the open requests of Pôle maintenance\n"
        "Dec. 8, 2026, 8:30 a.m.\n"
        "\n"
        "Unanswered: no reply from the team yet (1)\n"
        + line(b.unanswered, "Pôle maintenance", "Unassigned", parish, "New", "received 12/07/2026 10 a.m.")
        + "\n"
        "SLA target breached (1)\n"
        + line(b.unanswered, "Pôle maintenance", "Unassigned", parish, "New", "received 12/07/2026 10 a.m.")
        + "\n"
        "SLA target due within 4 business hours (1)\n"
        + line(b.due_soon, "Pôle maintenance", lea, parish, "Open", "due 12/08/2026 11 a.m.")
        + "\n"
        "By assignee (Unanswered / SLA breached / Due soon / Blocking / No activity)\n"
        "- Unassigned: 1 / 1 / 0 / 0 / 0\n"
        f"- {lea}: 0 / 0 / 1 / 0 / 0\n"
        "\n"
        f"The whole review: http://127.0.0.1:8000/desk/review/?group={desk.group_l1.pk}\n"
    )
    [other] = mails_to(desk.stranger_agent.email)
    assert b.blocking.reference in other["body"]
    assert b.unanswered.reference not in other["body"]
    # L2 and L3 have nothing open: no mail, but the day is recorded for them too.
    assert not mails_to(desk.l2.email)
    assert not mails_to(desk.l3.email)
    assert DigestSending.objects.get(scope=f"group:{desk.group_l2.pk}").recipients == 0
    # The supervisor receives the whole review, not each group's as well.
    assert len(mails_to(desk.supervisor.email)) == 1


def test_the_review_is_written_in_each_recipients_language_and_time_zone(desk, backlog):
    UserFactory(username="ineschef", role="supervisor", language="en", timezone="America/Montreal")
    with at(TUESDAY_0830):
        digest_delivery.send_due()
    [english] = mails_to("ineschef@example.org")
    assert "Dec. 8, 2026, 2:30 a.m." in english["body"]
    assert "SLA target breached (1)" in english["body"]
    [french] = mails_to(desk.supervisor.email)
    assert "8 décembre 2026 08:30" in french["body"]
    assert "Objectif SLA dépassé (1)" in french["body"]
    assert f"{backlog.unanswered.reference} Importer nos contacts dans Mailpoet" in french["body"]


def test_the_review_goes_once_a_day_at_its_time_on_working_days(desk, backlog):
    with at(paris(2026, 12, 8, 8, 29)):
        assert digest_delivery.send_due() == 0
    with at(TUESDAY_0830):
        sent = digest_delivery.send_due()
        assert sent == 3
        assert digest_delivery.send_due() == 0  # a second run in the same minute sends nothing
    with at(paris(2026, 12, 8, 9, 45)):
        assert digest_delivery.send_due() == 0
    assert OutboxMessage.objects.count() == sent
    with at(paris(2026, 12, 9, 8, 30)):  # Wednesday: the next review
        assert digest_delivery.send_due() > 0
    with at(paris(2026, 12, 12, 8, 30)):  # Saturday: none
        assert digest_delivery.send_due() == 0
    with at(paris(2026, 12, 10, 11, 0)):  # Thursday: the consumer was stopped at 8:30
        assert digest_delivery.send_due() > 0
    with at(paris(2026, 12, 11, 11, 31)):  # Friday: three hours later is too late
        assert digest_delivery.send_due() == 0
    assert sorted(set(DigestSending.objects.values_list("day", flat=True))) == [
        date(2026, 12, 8),
        date(2026, 12, 9),
        date(2026, 12, 10),
    ]


def test_a_disabled_schedule_sends_nothing(desk, backlog):
    DigestSchedule.objects.update(is_enabled=False)
    with at(TUESDAY_0830):
        assert digest_delivery.send_due() == 0


def test_nothing_to_report_sends_nothing_unless_the_schedule_says_so(desk):
    desk.supervisor.language = "en"
    desk.supervisor.save()
    schedule = DigestSchedule.objects.create(name="Revue", send_at=time(8, 30), to_groups=False)
    with at(TUESDAY_0830):
        assert digest_delivery.send_due() == 0
    schedule.send_when_empty = True
    schedule.save()
    with at(paris(2026, 12, 9, 8, 30)):
        assert digest_delivery.send_due() == 1
    [mail] = mails_to(desk.supervisor.email)
    assert mail["subject"] == "Review of open requests — nothing to report"
    assert "Nothing to report" in mail["body"]


def test_a_groups_supervisor_receives_the_groups_review(desk, backlog):
    chef = UserFactory(username="chefdequipe", role="agent", tier="L1")
    desk.group_l1.supervisor = chef
    desk.group_l1.save()
    with at(TUESDAY_0830):
        digest_delivery.send_due()
    [mail] = mails_to(chef.email)
    assert backlog.unanswered.reference in mail["body"]
    assert backlog.blocking.reference not in mail["body"]


def test_no_activity_counts_business_days_on_the_organisations_calendar(desk, backlog):
    with at(paris(2026, 12, 2, 10, 0)):  # Wednesday
        parish_on_hold = desk.open(product=desk.product, subject="Attente de l'hébergeur")
        services.reply(parish_on_hold, by=desk.l1, body="Nous attendons l'hébergeur.", set_status="on_hold")
    with at(paris(2026, 12, 4, 8, 0)):  # Friday
        town = desk.open(requester=desk.neighbour, product=desk.other_product, subject="Bandeau cookies")
        services.reply(town, by=desk.stranger_agent, body="C'est noté.")
    monday = paris(2026, 12, 7, 8, 30)
    review = digest.build(group=None, at=monday, window=digest.Window(inactive_days=3))
    idle = review.section(digest.INACTIVE).tickets
    # The parish: Friday, Thursday, Wednesday are 3 business days: since Wednesday 8:30,
    # and Wednesday 10:00 is later. The town hall, without a calendar: since Friday 8:30.
    assert parish_on_hold not in idle
    assert town in idle


def test_soon_due_is_counted_in_the_organisations_business_hours(desk, backlog):
    """Tuesday 16:00 on the parish's 9:30-17:00: 4 business hours end Wednesday 12:30."""
    review = digest.build(group=None, at=paris(2026, 12, 8, 16, 0), window=digest.Window(due_soon_hours=4))
    assert backlog.due_soon in review.section(digest.DUE_SOON).tickets  # due (and past) at 11:00
    backlog.unanswered.refresh_from_db()
    assert backlog.unanswered.sla_due_at == paris(2026, 12, 9, 10, 0)  # resolution: Wednesday 10:00
    assert backlog.unanswered in review.section(digest.DUE_SOON).tickets
    earlier = digest.build(group=None, at=TUESDAY_0830, window=digest.Window(due_soon_hours=4))
    assert backlog.unanswered not in earlier.section(digest.DUE_SOON).tickets


def test_lists_are_bounded_and_say_how_many_more(desk):
    with at(paris(2026, 12, 7, 10, 0)):
        for i in range(5):
            desk.open(subject=f"Demande {i}")
    review = digest.build(group=None, at=TUESDAY_0830, window=digest.Window(), limit=2)
    unanswered = review.section(digest.UNANSWERED)
    assert (unanswered.count, len(unanswered.tickets), unanswered.more) == (5, 2, 3)
    assert [t.subject for t in unanswered.tickets] == ["Demande 0", "Demande 1"]


# The times of the review (pure) ---------------------------------------------------------------

CALENDAR = BusinessCalendar.from_spec(
    {"timezone": "Europe/Paris", "week": WEEK, "holidays": {"country": "FR", "subdivision": None}}
)


@pytest.mark.parametrize(
    ("moment", "due"),
    [
        (paris(2026, 12, 8, 8, 29), None),
        (paris(2026, 12, 8, 8, 30), date(2026, 12, 8)),
        (paris(2026, 12, 8, 11, 29), date(2026, 12, 8)),
        (paris(2026, 12, 8, 11, 30), None),
        (paris(2026, 12, 13, 8, 30), None),  # Sunday
        (paris(2026, 3, 30, 8, 30), date(2026, 3, 30)),  # the Monday after the clocks go forward
    ],
)
def test_when_the_review_is_due(moment, due):
    assert digest_times.due_date(moment, zone=PARIS, send_at=time(8, 30), weekdays={0, 1, 2, 3, 4}) == due


def test_no_activity_since_skips_weekends_and_holidays():
    assert digest_times.idle_since(paris(2026, 12, 8, 8, 30), 2, CALENDAR) == paris(2026, 12, 4, 8, 30)
    # Monday 28 December: Thursday 24th, Wednesday 23rd, Tuesday 22nd (Christmas is a holiday).
    assert digest_times.idle_since(paris(2026, 12, 28, 9, 0), 3, CALENDAR) == paris(2026, 12, 22, 9, 0)
    assert digest_times.idle_since(paris(2026, 12, 8, 8, 30), 2, None) == paris(2026, 12, 6, 8, 30)


def test_due_soon_window_ends_after_business_hours():
    assert digest_times.due_soon_limit(paris(2026, 12, 8, 16, 0), 4, CALENDAR) == paris(2026, 12, 9, 12, 30)
    assert digest_times.due_soon_limit(paris(2026, 12, 8, 16, 0), 4, None) == paris(2026, 12, 8, 20, 0)


# The desk's review page --------------------------------------------------------------------------


def test_a_supervisor_reads_the_review_in_the_desk(desk, backlog, client):
    with at(TUESDAY_0830):
        client.force_login(desk.supervisor)
        page = client.get("/desk/review/")
    assert page.status_code == 200
    counts = {k: by_testid(page.content, f"count-{k}")[0].text for k in digest.KEYS}
    assert counts == {"unanswered": "2", "breached": "1", "due_soon": "2", "blocking": "1", "inactive": "1"}
    [section] = by_testid(page.content, "section-blocking")
    assert f"/desk/tickets/{backlog.blocking.number}/" in section.links
    with at(TUESDAY_0830):
        page = client.get(f"/desk/review/?group={desk.group_other.pk}")
    assert by_testid(page.content, "count-unanswered")[0].text == "0"
    assert by_testid(page.content, "count-blocking")[0].text == "1"


def test_an_agent_does_not_see_the_review_but_a_groups_supervisor_sees_the_groups(desk, backlog, client):
    client.force_login(desk.l1)
    assert client.get("/desk/review/").status_code == 404
    assert client.get(f"/desk/review/?group={desk.group_l1.pk}").status_code == 404
    assert client.post("/desk/review/send/").status_code == 404
    desk.group_l1.supervisor = desk.l1
    desk.group_l1.save()
    assert client.get(f"/desk/review/?group={desk.group_l1.pk}").status_code == 200
    assert client.get(f"/desk/review/?group={desk.group_other.pk}").status_code == 404
    assert client.get("/desk/review/").status_code == 404
    assert client.get("/desk/review/?group=nope").status_code == 404
    client.force_login(desk.requester)
    assert client.get("/desk/review/").status_code in {403, 404}


def test_send_now_mails_the_review_at_once(desk, backlog, client):
    with at(paris(2026, 12, 8, 15, 0)):
        client.force_login(desk.supervisor)
        response = client.post("/desk/review/send/", {"group": desk.group_l1.pk}, follow=True)
    assert response.redirect_chain[-1][0] == f"/desk/review/?group={desk.group_l1.pk}"
    assert len(flashes(response.content)) == 1
    [mail] = mails_to(desk.l1.email)
    assert backlog.unanswered.reference in mail["body"]
    sending = DigestSending.objects.get()
    assert (sending.trigger, sending.by, sending.recipients) == ("on_demand", desk.supervisor, 1)
    assert client.get("/desk/review/send/").status_code == 405
    # The scheduled review of that day still goes.
    with at(paris(2026, 12, 9, 8, 30)):
        assert digest_delivery.send_due() > 0


def test_the_review_page_runs_the_same_queries_however_large_the_backlog(
    desk, backlog, client, django_assert_num_queries
):
    # Session, user; the schedule; the counts; the five lists; the groups.
    expected = 2 + 1 + 1 + 5 + 1
    with at(TUESDAY_0830):
        client.force_login(desk.supervisor)
        client.get("/desk/review/")
        with django_assert_num_queries(expected):
            client.get("/desk/review/")
    with at(paris(2026, 12, 7, 9, 0)):
        for i in range(10):
            t = desk.open(product=desk.product if i % 2 else None, subject=f"Encore {i}", severity="blocking")
            if i % 2:
                services.take(t, by=desk.l1)
    with at(TUESDAY_0830), django_assert_num_queries(expected):
        client.get("/desk/review/")


def test_a_schedule_with_days_out_of_the_week_is_refused():
    with pytest.raises(ValidationError) as refused:
        DigestSchedule(name="Revue", weekdays=[0, 7]).clean()
    assert list(refused.value.message_dict) == ["weekdays"]


def test_an_administrator_sets_the_review_in_the_configuration(desk, client):
    client.force_login(desk.admin)
    response = client.post(
        "/admin/workflow/digestschedule/add/",
        {
            "name": "Revue du matin",
            "is_enabled": "on",
            "send_at": "08:30",
            "time_zone": "Europe/Paris",
            "weekdays": ["0", "2", "4"],
            "inactive_days": "2",
            "due_soon_hours": "8",
            "to_supervisors": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    schedule = DigestSchedule.objects.get()
    assert (schedule.weekdays, schedule.send_at, schedule.to_groups) == ([0, 2, 4], time(8, 30), False)
    assert client.get(f"/admin/workflow/digestschedule/{schedule.pk}/change/").status_code == 200
    assert client.get("/admin/workflow/digestsending/").status_code == 200
