"""A ticket's journey in a real browser (Debian's Chromium, driven by Playwright).

A requester of the parish opens a ticket on the French portal and sees its number at once;
an L1 agent finds it in the desk queue, takes it and answers, waiting on the requester; the
requester sees the answer and the new status, on a desktop and on a phone. A requester of
another organisation who guesses the ticket's address gets "not found".

Screenshots of each step land in test-artifacts/e2e/.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import translation
from playwright.sync_api import Locator, Page, expect

from comptoir.tickets.models import Message, Ticket
from comptoir.tickets.vocabulary import REQUESTER_STATUS_LABELS, Status

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from tests.conftest import Desk

LogIn = Callable[[Page, "User"], None]

# The live server needs committed rows, hence transactional tests; the flush after each one
# empties every table, including rows that data migrations wrote (SQLite's ticket number
# counter). serialized_rollback puts them back before each test. The `desk` personas are
# committed rows too: with transaction=True, its `db` is the transactional one.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SUBJECT = "Le formulaire d'inscription à la lettre paroissiale a disparu"
DESCRIPTION = (
    "Depuis ce matin, la page « Lettre paroissiale » de notre site n'affiche plus le "
    "formulaire Mailpoet.\nLes paroissiens ne peuvent plus s'inscrire."
)
ANSWER = (
    "Bonjour, l'extension Mailpoet a été mise à jour cette nuit et son bloc doit être "
    "réactivé.\nC'est fait : pouvez-vous vérifier que le formulaire est revenu ?"
)
PHONE = {"width": 390, "height": 844}


def in_french(label: Any) -> str:
    """The label as a French reader gets it. While the French catalogue lacks it, that is
    the English text: the test says so in a warning rather than failing on someone else's
    unfinished translation (the status code is asserted separately, via data-status)."""
    with translation.override("fr"):
        french = str(label)
    with translation.override("en"):
        english = str(label)
    if french == english:
        warnings.warn(f"No French translation for {english!r}: the page shows English.", stacklevel=2)
    return french


def submit(page: Page, button: Locator) -> None:
    """Sends a form; the POST must answer with a redirect (post/redirect/get), so a server
    error fails here, at once and by name, not as a missing element ten seconds later."""
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        button.click()
    response = posted.value
    assert response.status == 302, f"POST {response.url} answered {response.status}"


def test_requester_opens_a_ticket_an_agent_takes_and_answers_it(
    desk: Desk, new_context: Callable[..., Any], log_in: LogIn, artifacts: Path
) -> None:
    # Another ticket waits in the queue, so the agent's search has something to leave out.
    earlier = desk.open(requester=desk.site_owner, subject="Bannière d'accueil décalée")

    # The requester opens a request on the French portal.
    requester = new_context()
    portal = requester.new_page()
    log_in(portal, desk.requester)
    expect(portal.locator("html")).to_have_attribute("lang", "fr")
    portal.get_by_role("navigation").locator('a[href="/portal/new/"]').click()
    expect(portal).to_have_url(re.compile(r"/portal/new/$"))
    portal.fill("#id_subject", SUBJECT)
    portal.select_option("#id_product", label=desk.product.name)
    portal.fill("#id_body", DESCRIPTION)
    submit(portal, portal.locator("main form button[type=submit]"))

    # ... and sees its number at once, the one the database gave it.
    expect(portal).to_have_url(re.compile(r"/portal/tickets/\d+/$"))
    ticket = Ticket.objects.get(requester=desk.requester, subject=SUBJECT)
    assert portal.url.endswith(f"/portal/tickets/{ticket.number}/")
    expect(portal.get_by_test_id("ticket-number")).to_have_text(f"#{ticket.number}")
    expect(portal.get_by_test_id("flash")).to_contain_text(f"#{ticket.number}")
    expect(portal.get_by_test_id("status")).to_have_attribute("data-status", "new")
    expect(portal.get_by_test_id("status")).to_have_text(in_french(REQUESTER_STATUS_LABELS[Status.NEW]))
    expect(portal.locator("html")).to_have_attribute("lang", "fr")
    portal.screenshot(path=artifacts / "requester-confirmation.png", full_page=True)
    assert ticket.group == desk.group_l1  # the product routes it to the L1 maintenance team

    # The L1 agent, in another browser, finds it in the queue by its number.
    agent = new_context()
    queue = agent.new_page()
    log_in(queue, desk.l1)
    expect(queue).to_have_url(re.compile(r"/desk/$"))
    rows = queue.get_by_test_id("queue-row")
    expect(rows).to_have_count(2)
    search = queue.get_by_test_id("queue-filters").locator("input[name=q]")
    search.fill(str(ticket.number))
    search.press("Enter")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(ticket.reference)
    expect(rows.first).not_to_contain_text(earlier.subject)
    expect(queue).to_have_url(re.compile(rf"[?&]q={ticket.number}\b"))
    queue.screenshot(path=artifacts / "agent-queue.png", full_page=True)
    rows.first.get_by_role("link", name=ticket.reference).click()

    # ... takes it ...
    expect(queue).to_have_url(re.compile(rf"/desk/tickets/{ticket.number}/$"))
    expect(queue.get_by_test_id("ticket-number")).to_have_text(ticket.reference)
    expect(queue.get_by_test_id("message")).to_contain_text(["Les paroissiens ne peuvent plus s'inscrire."])
    take = queue.locator(f'form[action$="/tickets/{ticket.number}/take/"] button[type=submit]')
    submit(queue, take)
    expect(queue.get_by_test_id("assignee")).to_have_text(desk.l1.display_name)
    expect(queue.get_by_test_id("status")).to_have_attribute("data-status", "open")
    expect(take).to_have_count(0)

    # ... and answers, then waits on the requester.
    reply = queue.locator("#tab-reply")
    reply.locator("textarea[name=body]").fill(ANSWER)
    reply.locator("select[name=set_status]").select_option(Status.PENDING.value)
    submit(queue, reply.locator("button[type=submit]"))
    expect(queue.get_by_test_id("status")).to_have_attribute("data-status", "pending")
    expect(queue.get_by_test_id("status")).to_have_text(in_french(Status.PENDING.label))
    expect(queue.get_by_test_id("message")).to_have_count(2)
    expect(queue.get_by_test_id("message").last).to_contain_text("pouvez-vous vérifier")
    expect(queue.get_by_test_id("assignee")).to_have_text(desk.l1.display_name)
    queue.screenshot(path=artifacts / "agent-ticket.png", full_page=True)

    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status) == (desk.l1, Status.PENDING)
    answer = ticket.messages.order_by("created_at", "pk").last()
    assert (answer.author, answer.kind) == (desk.l1, Message.Kind.PUBLIC)

    # Back in the requester's browser: the answer and the new status, in French.
    portal.reload()
    expect(portal.locator("html")).to_have_attribute("lang", "fr")
    badge = portal.get_by_test_id("status")
    expect(badge).to_have_attribute("data-status", "pending")
    expect(badge).to_have_text(in_french(REQUESTER_STATUS_LABELS[Status.PENDING]))
    messages = portal.get_by_test_id("message")
    expect(messages).to_have_count(2)
    expect(messages.last).to_contain_text(desk.l1.display_name)
    expect(messages.last).to_contain_text("pouvez-vous vérifier que le formulaire est revenu ?")
    expect(portal.locator("main")).to_contain_text(desk.l1.display_name)  # who handles it
    portal.screenshot(path=artifacts / "requester-answer.png", full_page=True)

    # The same page on a phone: no sideways scrolling, the answer box within reach.
    phone = new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, storage_state=requester.storage_state()
    )
    mobile = phone.new_page()
    mobile.goto(f"/portal/tickets/{ticket.number}/")
    expect(mobile.get_by_test_id("status")).to_have_attribute("data-status", "pending")
    expect(mobile.locator(".navbar-toggler")).to_be_visible()
    assert mobile.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    answer_box = mobile.locator("main form textarea[name=body]")
    expect(answer_box).to_be_visible()
    box = answer_box.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    mobile.screenshot(path=artifacts / "requester-phone.png", full_page=True)


@pytest.mark.parametrize("persona", ["neighbour", "other_admin"])
def test_requester_of_another_organisation_guessing_the_address_gets_not_found(
    desk: Desk, page: Page, log_in: LogIn, artifacts: Path, persona: str
) -> None:
    ticket = desk.open(subject="Mot de passe de l'administrateur du site")
    log_in(page, getattr(desk, persona))

    response = page.goto(f"/portal/tickets/{ticket.number}/")

    assert response is not None
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text(ticket.subject)
    expect(page.get_by_test_id("ticket-number")).to_have_count(0)
    page.screenshot(path=artifacts / f"stranger-404-{persona}.png", full_page=True)
    page.goto("/portal/")
    expect(page.locator("main")).not_to_contain_text(ticket.subject)


def test_pages_load_their_styles_and_scripts_and_the_queue_filters_in_place(
    desk: Desk, page: Page, log_in: LogIn, artifacts: Path
) -> None:
    """Bootstrap, comptoir.css, htmx and Bootstrap's script are served: without them the
    pages are bare HTML, the phone menu does not open and the queue reloads on each filter."""
    ticket = desk.open()
    other = desk.open(requester=desk.site_owner, subject="Bannière d'accueil décalée")
    broken: list[str] = []
    page.on("response", lambda r: broken.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: broken.append(f"{r.failure} {r.url}"))

    log_in(page, desk.l1)
    page.wait_for_load_state("load")

    assert not broken, "not served: " + ", ".join(sorted(set(broken)))
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("typeof window.bootstrap") == "object"
    expect(page.locator("nav.navbar")).to_have_css("display", "flex")  # bootstrap.min.css
    badge = page.get_by_test_id("status").first
    expect(badge).to_have_css("background-color", "rgb(13, 110, 253)")  # comptoir.css, status-new

    page.evaluate("window.notReloaded = true")
    search = page.get_by_test_id("queue-filters").locator("input[name=q]")
    search.fill(ticket.reference)
    search.press("Enter")
    rows = page.get_by_test_id("queue-row")
    expect(rows).to_have_count(1)
    expect(rows.first).not_to_contain_text(other.subject)
    expect(page).to_have_url(re.compile(r"[?&]q=%23" + str(ticket.number)))
    assert page.evaluate("window.notReloaded") is True, "the queue reloaded instead of swapping its rows"
    page.screenshot(path=artifacts / "agent-queue-filtered.png", full_page=True)
