"""The guide answers before a ticket is opened (procedure 000: « bien vérifier en amont de
l'ouverture d'un ticket que la réponse ne se trouve pas dans le Guide »), in a real browser.

A requester of the parish starts a new request on the French portal; while she types the
subject, the matching article appears beside the form; "this solved my problem" counts one
deflected request and no ticket is opened. Then, on the article, "was this helpful".

Screenshots land in test-artifacts/e2e/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Page, expect

from comptoir.kb import services
from comptoir.kb.models import Article, ArticleVote, Category, Deflection
from comptoir.tickets.models import Ticket

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from tests.conftest import Desk

LogIn = Callable[[Page, "User"], None]

# Committed rows for the live server, as in test_ticket_journey.py.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SUBJECT = "Importer mes contacts dans Mailpoet"


@pytest.fixture
def mailpoet_article(desk: Desk, settings: Any, tmp_path: Path) -> Article:
    settings.MEDIA_ROOT = tmp_path
    category = Category.objects.create(slug="mailpoet", name_fr="Lettre d'information (Mailpoet)")
    services.save_article(
        Article(
            category=category,
            slug="changer-de-mot-de-passe",
            title_fr="Changer de mot de passe",
            body_fr="Ouvrez **Profil › Mot de passe**.",
            status=Article.Status.PUBLISHED,
            visibility=Article.Visibility.PUBLIC,
        )
    )
    return services.save_article(
        Article(
            category=category,
            slug="importer-des-contacts-dans-mailpoet",
            title_fr="Importer des contacts dans Mailpoet",
            body_fr=(
                "Dans le back office, ouvrez **Mailpoet › Abonnés › Importer**, choisissez votre "
                "fichier CSV puis la liste « Lettre paroissiale »."
            ),
            status=Article.Status.PUBLISHED,
            visibility=Article.Visibility.SIGNED_IN,
        )
    )


def test_typing_a_subject_suggests_the_article_that_solves_it_without_a_ticket(
    desk: Desk, mailpoet_article: Article, page: Page, log_in: LogIn, artifacts: Path
) -> None:
    log_in(page, desk.requester)
    page.goto("/portal/new/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.evaluate("window.notReloaded = true")

    page.locator("#id_subject").press_sequentially(SUBJECT, delay=15)

    suggestions = page.get_by_test_id("kb-suggestion")
    expect(suggestions).to_have_count(1)
    suggestion = suggestions.first
    expect(suggestion).to_have_attribute("data-article", mailpoet_article.slug)
    expect(suggestion.get_by_role("link")).to_have_text(mailpoet_article.title_fr)
    expect(suggestion.get_by_role("link")).to_have_attribute("href", f"/kb/articles/{mailpoet_article.slug}/")
    expect(suggestion).to_contain_text("Mailpoet › Abonnés › Importer")
    page.screenshot(path=artifacts / "kb-suggestion.png", full_page=True)

    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        suggestion.get_by_test_id("kb-solved").click()
    assert posted.value.status == 200
    expect(page.get_by_test_id("kb-thanks")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True, "the page reloaded instead of swapping the box"
    expect(page).to_have_url(re.compile(r"/portal/new/$"))
    page.screenshot(path=artifacts / "kb-deflected.png", full_page=True)

    deflection = Deflection.objects.get()
    assert (deflection.article, deflection.user, deflection.organisation, deflection.query) == (
        mailpoet_article,
        desk.requester,
        desk.parish,
        SUBJECT,
    )
    assert not Ticket.objects.exists()


def test_a_reader_says_an_article_was_helpful(
    desk: Desk, mailpoet_article: Article, page: Page, log_in: LogIn, artifacts: Path
) -> None:
    log_in(page, desk.requester)
    page.goto(f"/kb/articles/{mailpoet_article.slug}/")
    expect(page.get_by_test_id("kb-title")).to_have_text(mailpoet_article.title_fr)

    page.get_by_test_id("kb-helpful-yes").click()

    expect(page.get_by_test_id("kb-helpful-thanks")).to_be_visible()
    expect(page.get_by_test_id("kb-helpful")).to_have_attribute("data-vote", "yes")
    page.screenshot(path=artifacts / "kb-article-helpful.png", full_page=True)
    vote = ArticleVote.objects.get()
    assert (vote.article, vote.user, vote.helpful) == (mailpoet_article, desk.requester, True)
