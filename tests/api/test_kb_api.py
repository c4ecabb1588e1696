"""Searching the guide through the API (procedure 000: « bien vérifier en amont de
l'ouverture d'un ticket que la réponse ne se trouve pas dans le Guide d'édition »): a site's
back office asks the guide before it offers to open a ticket. The API finds what the guide's
search page finds for the same person: never a draft, never an article shown only to
another organisation."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from comptoir.kb import services
from comptoir.kb.models import Article, Category

SEARCH = "/api/v1/kb/search"
MAILPOET = (
    "Dans le back office, ouvrez **Mailpoet › Abonnés**, puis *Importer*. Choisissez le fichier "
    "CSV de vos contacts, associez les colonnes (adresse e-mail, prénom, nom) et la liste."
)


@pytest.fixture
def category(db: None) -> Category:
    return Category.objects.create(
        slug="sites-wordpress", name_fr="Sites WordPress", name_en="WordPress sites"
    )


@pytest.fixture
def write(category: Category):  # type: ignore[no-untyped-def]
    """``write("slug", title_fr=…, body_fr=…)``: written through the service (so the search
    index follows), published and for signed-in people unless told."""

    def make(slug: str, *, organisations: list[Any] = (), **fields: Any) -> Article:
        fields.setdefault("category", category)
        fields.setdefault("status", Article.Status.PUBLISHED)
        fields.setdefault("visibility", Article.Visibility.SIGNED_IN)
        article = services.save_article(Article(slug=slug, **fields))
        if organisations:
            article.organisations.set(organisations)
        return article

    return make


@pytest.fixture
def guide(desk, write):  # type: ignore[no-untyped-def]
    write("mailpoet-import", title_fr="Importer des contacts dans Mailpoet", body_fr=MAILPOET)
    write(
        "imprimante",
        title_fr="Configurer une imprimante",
        body_fr="Ajoutez l'imprimante du secrétariat depuis les paramètres.",
        title_en="Set up a printer",
        body_en="Add the office printer from the settings.",
    )
    write(
        "paroisse-mailpoet",
        title_fr="Mailpoet : la liste des paroissiens",
        body_fr="Votre liste s'appelle « Paroissiens ».",
        visibility=Article.Visibility.ORGANISATIONS,
        organisations=[desk.parish],
    )
    write(
        "mairie-mailpoet",
        title_fr="Mailpoet : la lettre du conseil municipal",
        body_fr="La liste des administrés est tenue par le secrétariat de mairie.",
        visibility=Article.Visibility.ORGANISATIONS,
        organisations=[desk.customer],
    )
    write("brouillon-mailpoet", title_fr="Mailpoet : nouvelle version", body_fr="À relire.", status="draft")
    return desk


def slugs(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return [hit["slug"] for hit in response.json()]


def test_the_site_back_office_finds_the_answer_before_opening_a_ticket(guide, api_as):
    api = api_as(guide.requester, scope="read")

    response = api.get(SEARCH, q="importer contacts")

    [hit] = response.json()
    article = Article.objects.get(slug="mailpoet-import")
    assert hit == {
        "id": article.pk,
        "slug": "mailpoet-import",
        "title": "Importer des contacts dans Mailpoet",
        "language": "fr",
        "is_fallback": False,
        "category": {"id": article.category_id, "slug": "sites-wordpress", "name": "Sites WordPress"},
        "excerpt": hit["excerpt"],
        "url": "/kb/articles/mailpoet-import/",
        "updated_at": hit["updated_at"],
    }
    assert abs(datetime.fromisoformat(hit["updated_at"]) - article.updated_at) < timedelta(milliseconds=1)
    assert hit["excerpt"].startswith("Dans le back office, ouvrez Mailpoet › Abonnés, puis Importer.")
    # The address is the article's page, which the same person may open.
    browser = Client()
    browser.force_login(guide.requester)
    assert browser.get(hit["url"]).status_code == 200


def test_accents_and_plurals_do_not_matter(guide, api_as):
    api = api_as(guide.requester)
    assert slugs(api.get(SEARCH, q="IMPRIMANTES")) == ["imprimante"]
    assert slugs(api.get(SEARCH, q="parametres secretariat")) == ["imprimante"]


def test_an_article_for_one_organisation_is_found_by_it_only(guide, api_as):
    assert set(slugs(api_as(guide.requester).get(SEARCH, q="mailpoet"))) == {
        "mailpoet-import",
        "paroisse-mailpoet",
    }
    assert set(slugs(api_as(guide.site_owner).get(SEARCH, q="mailpoet"))) == {
        "mailpoet-import",
        "paroisse-mailpoet",
    }
    assert set(slugs(api_as(guide.neighbour).get(SEARCH, q="mailpoet"))) == {
        "mailpoet-import",
        "mairie-mailpoet",
    }
    assert set(slugs(api_as(guide.other_admin).get(SEARCH, q="mailpoet"))) == {
        "mailpoet-import",
        "mairie-mailpoet",
    }
    # Even asked by its very words, the other organisation's article stays out of sight.
    assert slugs(api_as(guide.requester).get(SEARCH, q="conseil municipal")) == []
    assert slugs(api_as(guide.neighbour).get(SEARCH, q="paroissiens")) == []
    # The support team answers every organisation.
    assert set(slugs(api_as(guide.l1).get(SEARCH, q="mailpoet"))) == {
        "mailpoet-import",
        "paroisse-mailpoet",
        "mairie-mailpoet",
    }


def test_a_draft_is_never_found_not_even_by_the_support_team(guide, api_as):
    for persona in (guide.requester, guide.site_owner, guide.l1, guide.supervisor, guide.admin):
        assert "brouillon-mailpoet" not in slugs(api_as(persona).get(SEARCH, q="mailpoet"))
        assert slugs(api_as(persona).get(SEARCH, q="relire")) == []


def test_an_english_reader_gets_the_english_version_or_the_french_one_said_so(guide, api_as):
    # Lucas Moreau reads English: his language is the default.
    api = api_as(guide.neighbour)
    [printer] = api.get(SEARCH, q="printers").json()
    assert (printer["title"], printer["language"], printer["is_fallback"]) == (
        "Set up a printer",
        "en",
        False,
    )
    assert printer["category"]["name"] == "WordPress sites"

    [mailpoet] = api.get(SEARCH, q="importer contacts").json()
    assert (mailpoet["language"], mailpoet["is_fallback"]) == ("fr", True)

    # A French reader may ask for English, and the other way round.
    [asked] = api_as(guide.requester).get(SEARCH, q="imprimante", language="en").json()
    assert asked["title"] == "Set up a printer"
    [asked] = api.get(SEARCH, q="printer", language="fr").json()
    assert (asked["title"], asked["category"]["name"]) == ("Configurer une imprimante", "Sites WordPress")


def test_any_word_finds_articles_sharing_some_words_of_a_subject(guide, api_as):
    api = api_as(guide.requester)
    subject = "Importer nos contacts dans une imprimante"
    assert slugs(api.get(SEARCH, q=subject)) == []
    found = slugs(api.get(SEARCH, q=subject, any_word="true"))
    assert set(found) == {"mailpoet-import", "imprimante"}
    assert found[0] == "mailpoet-import"  # shares more words


def test_limit_keeps_the_best_ones(guide, write, api_as):
    for i in range(12):
        write(f"mailpoet-{i}", title_fr=f"Mailpoet, question {i}", body_fr="Les listes de Mailpoet.")
    api = api_as(guide.l1)
    assert len(api.get(SEARCH, q="mailpoet").json()) == 10
    assert len(api.get(SEARCH, q="mailpoet", limit=3).json()) == 3
    assert len(api.get(SEARCH, q="mailpoet", limit=50).json()) == 15


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "   "},
        {"q": "m" * 251},
        {"q": "mailpoet", "limit": 0},
        {"q": "mailpoet", "limit": 51},
        {"q": "mailpoet", "language": "de"},
    ],
    ids=["no-q", "empty", "spaces", "too-long", "limit-0", "limit-51", "german"],
)
def test_a_bad_question_gets_422_saying_which_field(guide, api_as, params):
    response = api_as(guide.requester).get(SEARCH, **params)
    assert response.status_code == 422
    answer = response.json()
    assert answer["code"] == "invalid_input"
    assert len(answer["fields"]) == 1
    assert set(answer["fields"]) <= {"q", "limit", "language"}


def test_a_question_without_a_word_finds_nothing(guide, api_as):
    api = api_as(guide.requester)
    assert slugs(api.get(SEARCH, q="?!")) == []
    assert slugs(api.get(SEARCH, q="a")) == []
    assert slugs(api.get(SEARCH, q="m" * 250)) == []


def test_without_a_token_or_a_session_the_guide_is_not_searched(guide):
    response = Client().get(SEARCH, {"q": "mailpoet"})
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    forged = Client().get(SEARCH, {"q": "mailpoet"}, headers={"Authorization": "Bearer cpt_0000_nope"})
    assert forged.status_code == 401


def test_the_pages_of_comptoir_may_search_with_the_web_session(guide):
    browser = Client()
    browser.force_login(guide.requester)
    assert set(slugs(browser.get(SEARCH, {"q": "mailpoet"}))) == {"mailpoet-import", "paroisse-mailpoet"}


def test_a_search_costs_the_same_queries_for_3_hits_as_for_40(
    guide, write, api_as, django_assert_num_queries
):
    # The token and its user; the match (PostgreSQL first looks up the guide's words for
    # typos); the articles with their category.
    expected = 1 + (2 if connection.vendor == "postgresql" else 1) + 1
    api = api_as(guide.requester)
    api.get(SEARCH, q="mailpoet")  # records the token's use
    with django_assert_num_queries(expected):
        assert len(slugs(api.get(SEARCH, q="mailpoet"))) == 2
    for i in range(38):
        write(f"mailpoet-{i}", title_fr=f"Mailpoet, question {i}", body_fr="Les listes de Mailpoet.")
    with django_assert_num_queries(expected):
        assert len(slugs(api.get(SEARCH, q="mailpoet", limit=50))) == 40


def test_the_schema_documents_the_search_and_its_errors(client):
    operation = client.get("/api/openapi.json").json()["paths"][SEARCH]["get"]
    assert {"200", "401", "422"} <= set(operation["responses"])
    params = {p["name"]: p for p in operation["parameters"]}
    assert set(params) == {"q", "language", "limit", "any_word"}
    assert params["q"]["required"] is True
    assert (params["limit"]["schema"]["minimum"], params["limit"]["schema"]["maximum"]) == (1, 50)
