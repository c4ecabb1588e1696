"""The guide as readers use it: public articles without signing in, the reader's language
with a note when only the other one is written, files, "was this helpful", and the
suggestions beside the new-request form whose "this solved my problem" counts a deflected
request instead of opening a ticket (procedure 000)."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import timezone

from comptoir.kb import services
from comptoir.kb.models import Article, ArticleVote, Deflection
from comptoir.tickets.models import Ticket
from tests.pages import by_testid

HTMX = {"HTTP_HX_REQUEST": "true"}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def guide(write, desk):
    write(
        "ajouter-une-actualite",
        title_fr="Ajouter une actualité",
        body_fr="Dans le back office, ouvrez **Articles › Ajouter**, puis la catégorie *Actualités*.",
        title_en="Add a news item",
        body_en="In the back office, open **Posts › Add New** and choose the *News* category.",
    )
    write(
        "importer-des-contacts-dans-mailpoet",
        title_fr="Importer des contacts dans Mailpoet",
        body_fr="Ouvrez **Mailpoet › Abonnés › Importer** et choisissez votre fichier CSV.",
    )
    write(
        "creer-un-compte",
        title_fr="Créer le compte d'un rédacteur",
        body_fr="Identifiant : prenomnom.",
        visibility=Article.Visibility.SIGNED_IN,
    )
    write(
        "liste-des-paroissiens",
        title_fr="La liste Mailpoet des paroissiens",
        body_fr="Elle s'appelle « Paroissiens ».",
        visibility=Article.Visibility.ORGANISATIONS,
        organisations=[desk.parish],
    )
    write("brouillon", title_fr="Mailpoet 5 : ce qui change", body_fr="À relire.", status="draft")
    return desk


def shown(response, testid: str = "kb-article-row") -> list[str]:
    return [e.attrs["data-article"] for e in by_testid(response.content, testid)]


def test_anyone_reads_the_public_guide_without_signing_in(guide, client):
    home = client.get("/kb/")
    assert home.status_code == 200
    [category] = by_testid(home.content, "kb-category")
    assert category.text == "Sites WordPress"
    assert category.attrs["href"] == "/kb/categories/sites-wordpress/"

    listing = client.get("/kb/categories/sites-wordpress/")
    assert shown(listing) == ["ajouter-une-actualite", "importer-des-contacts-dans-mailpoet"]

    page = client.get("/kb/articles/ajouter-une-actualite/")
    assert page.status_code == 200
    assert by_testid(page.content, "kb-title")[0].text == "Ajouter une actualité"
    assert "<strong>Articles › Ajouter</strong>" in page.content.decode()


@pytest.mark.parametrize("slug", ["creer-un-compte", "liste-des-paroissiens", "brouillon", "nope"])
def test_an_article_one_may_not_read_is_not_found(guide, client, slug):
    assert client.get(f"/kb/articles/{slug}/").status_code == 404


def test_each_reader_sees_the_articles_meant_for_them(guide, client):
    client.force_login(guide.requester)
    assert shown(client.get("/kb/categories/sites-wordpress/")) == [
        "ajouter-une-actualite",
        "creer-un-compte",
        "importer-des-contacts-dans-mailpoet",
        "liste-des-paroissiens",
    ]
    client.force_login(guide.neighbour)
    assert "liste-des-paroissiens" not in shown(client.get("/kb/categories/sites-wordpress/"))
    assert client.get("/kb/articles/liste-des-paroissiens/").status_code == 404


def test_the_support_team_proofreads_drafts(guide, client):
    client.force_login(guide.l1)
    assert "brouillon" in shown(client.get("/kb/categories/sites-wordpress/"))
    page = client.get("/kb/articles/brouillon/")
    assert page.status_code == 200
    assert not by_testid(page.content, "kb-helpful")[0].inner_tags  # no vote on a draft


def test_an_english_reader_gets_the_english_version_or_the_french_one_with_a_note(guide, client):
    client.force_login(guide.neighbour)  # language: en

    page = client.get("/kb/articles/ajouter-une-actualite/")
    [article] = by_testid(page.content, "kb-article")
    assert (article.attrs["data-language"], article.attrs["lang"]) == ("en", "en")
    assert by_testid(page.content, "kb-title")[0].text == "Add a news item"
    assert not by_testid(page.content, "kb-fallback")

    page = client.get("/kb/articles/importer-des-contacts-dans-mailpoet/")
    [article] = by_testid(page.content, "kb-article")
    assert article.attrs["data-language"] == "fr"
    assert by_testid(page.content, "kb-fallback")[0].text == (
        "This article is not written in English yet: here is the French version."
    )


def test_search_page_finds_articles_and_offers_partial_matches(guide, client):
    client.force_login(guide.requester)

    found = client.get("/kb/search/", {"q": "actualites"})
    assert shown(found, "kb-result") == ["ajouter-une-actualite"]
    assert not by_testid(found.content, "kb-partial")

    partial = client.get("/kb/search/", {"q": "actualité imprimante"})
    assert shown(partial, "kb-result") == ["ajouter-une-actualite"]
    assert by_testid(partial.content, "kb-partial")

    nothing = client.get("/kb/search/", {"q": "zzzz"})
    assert by_testid(nothing.content, "kb-no-result")


def test_was_this_helpful_is_one_answer_per_reader_the_latest_counts(guide, client):
    client.force_login(guide.requester)
    url = "/kb/articles/ajouter-une-actualite/helpful/"

    response = client.post(url, {"helpful": "no"}, **HTMX)
    assert response.status_code == 200
    assert by_testid(response.content, "kb-helpful-thanks")
    response = client.post(url, {"helpful": "yes"}, **HTMX)

    vote = ArticleVote.objects.get()
    assert (vote.user, vote.helpful) == (guide.requester, True)
    assert by_testid(response.content, "kb-helpful")[0].attrs["data-vote"] == "yes"
    page = client.get("/kb/articles/ajouter-une-actualite/")
    assert by_testid(page.content, "kb-helpful")[0].attrs["data-vote"] == "yes"


def test_an_anonymous_reader_votes_once_per_browser(guide, client):
    url = "/kb/articles/ajouter-une-actualite/helpful/"
    client.post(url, {"helpful": "yes"}, **HTMX)
    client.post(url, {"helpful": "no"}, **HTMX)
    assert list(ArticleVote.objects.values_list("user", "helpful")) == [(None, False)]

    response = client.post(url, {"helpful": "maybe"}, **HTMX)
    assert response.status_code == 400


def test_voting_needs_the_csrf_token(guide, settings):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/kb/articles/ajouter-une-actualite/helpful/", {"helpful": "yes"}, **HTMX)
    assert response.status_code == 403
    assert not ArticleVote.objects.exists()


def test_files_are_served_to_those_who_may_read_the_article(guide, client):
    public = Article.objects.get(slug="ajouter-une-actualite")
    reserved = Article.objects.get(slug="liste-des-paroissiens")
    guide_pdf = services.add_attachment(public, filename="Guide d'édition.pdf", content=PDF, label="Guide")
    list_pdf = services.add_attachment(reserved, filename="liste.pdf", content=PDF)

    page = client.get("/kb/articles/ajouter-une-actualite/")
    [link] = by_testid(page.content, "kb-file")
    assert link.attrs["href"] == f"/kb/files/{guide_pdf.pk}/Guide%20d'%C3%A9dition.pdf"
    response = client.get(link.attrs["href"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF

    assert client.get(f"/kb/files/{list_pdf.pk}/liste.pdf").status_code == 404
    client.force_login(guide.neighbour)
    assert client.get(f"/kb/files/{list_pdf.pk}/liste.pdf").status_code == 404
    client.force_login(guide.requester)
    assert client.get(f"/kb/files/{list_pdf.pk}/liste.pdf").status_code == 200
    assert client.get(f"/kb/files/{list_pdf.pk}/autre.pdf").status_code == 404


def test_the_new_request_form_asks_the_guide_while_the_subject_is_typed(guide, client):
    client.force_login(guide.requester)
    page = client.get("/portal/new/")
    [box] = by_testid(page.content, "kb-suggestions")
    assert box.attrs["hx-get"] == "/kb/suggestions/"
    assert box.attrs["hx-include"] == "#id_subject"
    assert "input changed delay:400ms from:#id_subject" in box.attrs["hx-trigger"]


def test_suggestions_list_the_matching_articles_the_requester_may_read(guide, client):
    client.force_login(guide.neighbour)
    response = client.get(
        "/kb/suggestions/", {"subject": "Comment importer mes contacts dans Mailpoet ?"}, **HTMX
    )
    assert shown(response, "kb-suggestion") == ["importer-des-contacts-dans-mailpoet"]

    client.force_login(guide.requester)
    response = client.get("/kb/suggestions/", {"subject": "la liste mailpoet"}, **HTMX)
    assert shown(response, "kb-suggestion") == [
        "liste-des-paroissiens",
        "importer-des-contacts-dans-mailpoet",
    ]

    assert client.get("/kb/suggestions/", {"subject": "a"}, **HTMX).content.strip() == b""


def test_this_solved_my_problem_counts_a_deflection_and_opens_no_ticket(guide, client):
    client.force_login(guide.requester)
    at = timezone.now().replace(microsecond=0)

    with time_machine.travel(at, tick=False):
        response = client.post(
            "/kb/articles/importer-des-contacts-dans-mailpoet/solved/",
            {"query": "  Importer   mes contacts  "},
            **HTMX,
        )

    assert response.status_code == 200
    assert by_testid(response.content, "kb-thanks")
    deflection = Deflection.objects.get()
    assert (deflection.article.slug, deflection.user, deflection.organisation, deflection.query) == (
        "importer-des-contacts-dans-mailpoet",
        guide.requester,
        guide.parish,
        "Importer mes contacts",
    )
    assert (deflection.channel, deflection.at) == ("portal", at)
    assert not Ticket.objects.exists()


def test_without_htmx_the_thanks_is_a_whole_page(guide, client):
    client.force_login(guide.requester)
    response = client.post("/kb/articles/ajouter-une-actualite/solved/", {"query": "actualité"})
    assert response.status_code == 200
    assert by_testid(response.content, "kb-thanks")
    assert Deflection.objects.count() == 1


def test_a_deflection_on_an_article_one_may_not_read_is_refused(guide, client):
    client.force_login(guide.neighbour)
    assert client.post("/kb/articles/liste-des-paroissiens/solved/", {"query": "x"}).status_code == 404
    assert client.get("/kb/articles/liste-des-paroissiens/solved/").status_code == 405
    assert not Deflection.objects.exists()


def test_an_article_needs_a_complete_version():
    from comptoir.core.errors import ValidationError

    with pytest.raises(ValidationError, match="un titre et un texte"):
        services.check_article(Article(slug="x", title_fr="Titre seul"))
    with pytest.raises(ValidationError, match="en français, en anglais ou dans les deux"):
        services.check_article(Article(slug="x"))


def test_first_publication_is_stamped_once(write):
    with time_machine.travel("2026-03-02 10:00 +01:00", tick=False):
        article = write("a", title_fr="A", body_fr="Texte", status="draft")
        assert article.published_at is None
        article.status = Article.Status.PUBLISHED
        services.save_article(article)
    first = article.published_at
    with time_machine.travel("2026-03-05 10:00 +01:00", tick=False):
        article.body_fr = "Texte revu"
        services.save_article(article)
    assert article.published_at == first
    assert article.updated_at > first
