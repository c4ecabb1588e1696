"""The survey as the requester meets it: the link of the resolution mail (no sign-in), the
rating block of their request's page; and the rating as agents see it on the desk."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comptoir.core import outbox
from comptoir.satisfaction.models import Survey
from comptoir.tickets import services
from tests.pages import by_testid, flashes
from tests.satisfaction.conftest import RESOLVED_AT, at, resolve

DAY = timedelta(days=1)


def test_the_mail_link_opens_the_form_without_signing_in(client, resolved):
    with at(RESOLVED_AT + DAY):
        page = client.get(resolved.path)

    assert page.status_code == 200
    assert by_testid(page.content, "survey-form")
    assert resolved.ticket.subject in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0")


def test_a_survey_answered_on_day_7_through_the_link(client, resolved):
    with at(RESOLVED_AT + 7 * DAY):
        page = client.post(resolved.path, {"rating": "4", "comment": "Très bien expliqué."}, follow=True)

    assert page.redirect_chain == [(resolved.path, 302)]
    [(level, _text)] = flashes(page.content)
    assert level == "success"
    assert by_testid(page.content, "survey-answered")
    assert by_testid(page.content, "survey-comment")[0].text == "Très bien expliqué."
    survey = Survey.objects.get()
    assert (survey.rating, survey.comment) == (4, "Très bien expliqué.")


def test_the_link_says_the_8_days_are_over_on_day_9_with_the_date(client, resolved):
    with at(RESOLVED_AT + 9 * DAY):
        page = client.get(resolved.path)
        refused = client.post(resolved.path, {"rating": "1"})

    [expired] = by_testid(page.content, "survey-expired")
    assert "8" in expired.text
    assert "15 décembre 2026 10:00" in expired.text  # Tuesday 15 December, 10:00 (Paris)
    assert not by_testid(page.content, "survey-form")
    assert refused.status_code == 409
    assert by_testid(refused.content, "survey-expired")
    assert Survey.objects.get().answered_at is None


def test_the_link_shows_the_answer_already_given_and_takes_no_second(client, resolved):
    with at(RESOLVED_AT + DAY):
        client.post(resolved.path, {"rating": "5"})
        again = client.post(resolved.path, {"rating": "1", "comment": "Je change d'avis"})

    assert again.status_code == 409
    assert by_testid(again.content, "survey-answered")
    assert by_testid(again.content, "survey-rating")[0].text.startswith("5")
    assert Survey.objects.get().rating == 5


def test_an_unknown_link_is_not_found(client, resolved):
    assert client.get(resolved.path.replace(resolved.token, "x" * 43)).status_code == 404
    assert client.get("/portal/survey/" + "x" * 200 + "/").status_code == 404


def test_a_rating_is_required(client, resolved):
    with at(RESOLVED_AT + DAY):
        page = client.post(resolved.path, {"rating": "", "comment": "Sans note"})
        beyond = client.post(resolved.path, {"rating": "6"})

    assert (page.status_code, beyond.status_code) == (400, 400)
    assert by_testid(page.content, "survey-form")
    assert Survey.objects.get().answered_at is None


def test_the_link_is_csrf_protected(resolved):
    browser = Client(enforce_csrf_checks=True)
    with at(RESOLVED_AT + DAY):
        forged = browser.post(resolved.path, {"rating": "1"})
        page = browser.get(resolved.path)
        token = page.cookies["csrftoken"].value
        genuine = browser.post(resolved.path, {"rating": "3", "csrfmiddlewaretoken": token})

    assert forged.status_code == 403
    assert genuine.status_code == 302
    assert Survey.objects.get().rating == 3


def test_the_requester_rates_on_their_request_page_while_the_invitation_is_valid(desk, client, resolved):
    url = f"/portal/tickets/{resolved.ticket.number}/"
    with at(RESOLVED_AT + DAY):
        client.force_login(desk.requester)
        assert by_testid(client.get(url).content, "survey-block")
        page = client.post(f"{url}survey/", {"rating": "2", "comment": "Long"}, follow=True)
        outbox.deliver_due()

    assert page.redirect_chain == [(url, 302)]
    assert flashes(page.content)[0][0] == "success"
    assert not by_testid(page.content, "survey-block")
    assert by_testid(page.content, "survey-given")
    assert Survey.objects.get().rating == 2
    assert [m.to for m in mail.outbox] == [[desk.supervisor.email]]


def test_no_rating_block_after_the_8_days_nor_for_the_organisation_admin(desk, client, resolved):
    url = f"/portal/tickets/{resolved.ticket.number}/"
    with at(RESOLVED_AT + DAY):
        client.force_login(desk.site_owner)
        assert not by_testid(client.get(url).content, "survey-block")
        assert client.post(f"{url}survey/", {"rating": "1"}).status_code == 404
    with at(RESOLVED_AT + 9 * DAY):
        client.force_login(desk.requester)
        assert not by_testid(client.get(url).content, "survey-block")
        page = client.post(f"{url}survey/", {"rating": "1"}, follow=True)
    assert flashes(page.content)[0][0] == "danger"
    assert Survey.objects.get().answered_at is None


def test_another_requester_cannot_rate_someone_elses_request(desk, client, resolved):
    with at(RESOLVED_AT + DAY):
        client.force_login(desk.neighbour)
        response = client.post(f"/portal/tickets/{resolved.ticket.number}/survey/", {"rating": "1"})
    assert response.status_code == 404
    assert Survey.objects.get().answered_at is None


def test_no_rating_block_on_a_request_never_resolved(desk, client, request_of_pierre):
    client.force_login(desk.requester)
    url = f"/portal/tickets/{request_of_pierre.number}/"
    assert not by_testid(client.get(url).content, "survey-block")
    assert client.post(f"{url}survey/", {"rating": "5"}).status_code == 404


def test_agents_see_the_rating_and_the_comment_on_the_desk(desk, client, resolved):
    url = f"/desk/tickets/{resolved.ticket.number}/"
    with at(RESOLVED_AT + DAY):
        client.force_login(desk.l1)
        [waiting] = by_testid(client.get(url).content, "satisfaction-waiting")
        client.logout()
        client.post(resolved.path, {"rating": "1", "comment": "Personne ne m'a rappelé."})
        client.force_login(desk.l1)
        page = client.get(url)

    assert "15" in waiting.text  # valid until 15 December
    assert by_testid(page.content, "satisfaction-rating")[0].text.startswith("1")
    assert by_testid(page.content, "satisfaction-comment")[0].text == "Personne ne m'a rappelé."
    assert not by_testid(page.content, "satisfaction-waiting")


def test_the_desk_says_when_the_survey_went_unanswered(desk, client, resolved):
    with at(RESOLVED_AT + 9 * DAY):
        client.force_login(desk.l1)
        [waiting] = by_testid(
            client.get(f"/desk/tickets/{resolved.ticket.number}/").content, "satisfaction-waiting"
        )
    assert "8" in waiting.text


def page_queries(client, url: str) -> int:
    client.get(url)  # warm the process-wide caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("edge", "persona"), [("desk", "supervisor"), ("desk", "l1"), ("portal", "requester")]
)
def test_the_rating_costs_the_ticket_pages_no_query(desk, client, resolved, edge, persona):
    """The surveys come from the history the page loads anyway: a request resolved twice,
    rated once, costs its page the queries of a request never resolved."""
    with at(RESOLVED_AT + DAY):
        services.reply(resolved.ticket, by=desk.requester, body="Finalement, une question encore.")
    again = resolve(desk, resolved.ticket, when=RESOLVED_AT + 2 * DAY)
    with at(RESOLVED_AT + 3 * DAY):
        client.post(again.path, {"rating": "4", "comment": "Merci"})
        plain = desk.open(product=desk.product, subject="Autre demande")
        client.force_login(getattr(desk, persona))
        expected = page_queries(client, f"/{edge}/tickets/{plain.number}/")
        assert page_queries(client, f"/{edge}/tickets/{resolved.ticket.number}/") == expected
        page = client.get(f"/{edge}/tickets/{resolved.ticket.number}/")
    assert by_testid(page.content, "satisfaction-rating" if edge == "desk" else "survey-given")
