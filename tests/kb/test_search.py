"""Searching the guide (procedure 000: « bien vérifier en amont de l'ouverture d'un ticket
que la réponse ne se trouve pas dans le Guide d'édition »), on SQLite and on PostgreSQL:
accents and plurals do not matter, typos are forgiven on PostgreSQL, and nobody ever finds
a draft or an article meant for another organisation."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from comptoir.kb import services
from comptoir.kb.models import Article
from comptoir.kb.search import search

MAILPOET = (
    "Dans le back office, ouvrez **Mailpoet › Abonnés**, puis *Importer*. Choisissez le fichier "
    "CSV ou Excel de vos contacts, associez les colonnes (adresse e-mail, prénom, nom) et "
    "choisissez la liste de destination."
)


def slugs(hits) -> list[str]:
    return [h.article.slug for h in hits]


def find(query: str, user=None, language: str = "fr", **kwargs) -> list[str]:
    return slugs(search(query, user=user or AnonymousUser(), language=language, **kwargs))


@pytest.fixture
def guide(write, desk):
    write(
        "ecran-noir",
        title_fr="L'écran reste noir après la connexion",
        body_fr="Videz le cache du navigateur puis reconnectez-vous au back office.",
    )
    write(
        "imprimante",
        title_fr="Configurer une imprimante",
        body_fr="Ajoutez l'imprimante du secrétariat depuis les paramètres.",
        title_en="Set up a printer",
        body_en="Add the office printer from the settings.",
    )
    write("mailpoet-import", title_fr="Importer des contacts dans Mailpoet", body_fr=MAILPOET)
    return desk


def test_ecran_finds_ecran_without_accent_and_the_other_way_round(guide, write):
    write("ecran-sans-accent", title_fr="Ecran de connexion", body_fr="Le formulaire de connexion du site.")

    assert set(find("écran")) == {"ecran-noir", "ecran-sans-accent"}
    assert set(find("ecran")) == {"ecran-noir", "ecran-sans-accent"}
    assert set(find("ÉCRANS")) == {"ecran-noir", "ecran-sans-accent"}


def test_plurals_and_simple_stems_find_the_article(guide):
    assert find("imprimantes") == ["imprimante"]
    assert find("importer des contacts") == ["mailpoet-import"]
    assert find("importez vos contacts") == ["mailpoet-import"]
    assert find("contact") == ["mailpoet-import"]


def test_the_english_version_is_searched_with_english_rules(guide):
    assert find("printers", language="en") == ["imprimante"]
    [hit] = search("printers", user=AnonymousUser(), language="en")
    assert (hit.version.language, hit.version.title, hit.version.is_fallback) == (
        "en",
        "Set up a printer",
        False,
    )


def test_an_article_written_only_in_french_is_found_by_an_english_reader_in_french(guide):
    [hit] = search("Mailpoet", user=AnonymousUser(), language="en")
    assert hit.article.slug == "mailpoet-import"
    assert (hit.version.language, hit.version.is_fallback) == ("fr", True)
    assert hit.excerpt.startswith("Dans le back office, ouvrez Mailpoet › Abonnés, puis Importer.")


def test_every_word_must_match_unless_any_word_is_asked(guide):
    assert find("importer imprimante") == []
    found = find("importer des contacts dans une imprimante", any_word=True)
    assert set(found) == {"mailpoet-import", "imprimante"}
    assert found[0] == "mailpoet-import"  # shares more words


def test_titles_weigh_more_than_text(guide, write):
    write("cache", title_fr="Vider le cache du navigateur", body_fr="Touches Ctrl+Maj+Suppr.")
    assert find("cache") == ["cache", "ecran-noir"]


@pytest.mark.postgres
def test_a_typo_still_finds_mailpoet_on_postgresql(guide):
    assert find("mailpot") == ["mailpoet-import"]
    assert find("importer contacts mailpot") == ["mailpoet-import"]
    assert find("imprimnte") == ["imprimante"]


def test_a_draft_is_never_found_not_even_by_the_support_team(guide, write):
    write("brouillon", title_fr="Mailpoet : nouvelle version", body_fr="À relire.", status="draft")

    for user in (AnonymousUser(), guide.requester, guide.l1, guide.admin):
        assert "brouillon" not in find("mailpoet", user)


def test_an_article_for_one_organisation_is_found_by_it_only(guide, write):
    write(
        "paroisse-mailpoet",
        title_fr="Mailpoet : la liste des paroissiens",
        body_fr="Votre liste s'appelle « Paroissiens ».",
        visibility=Article.Visibility.ORGANISATIONS,
        organisations=[guide.parish],
    )

    assert "paroisse-mailpoet" in find("mailpoet", guide.requester)
    assert "paroisse-mailpoet" in find("mailpoet", guide.site_owner)
    assert "paroisse-mailpoet" not in find("mailpoet", guide.neighbour)
    assert "paroisse-mailpoet" not in find("mailpoet", AnonymousUser())
    assert "paroisse-mailpoet" in find("mailpoet", guide.l1)  # agents answer every organisation


def test_an_article_for_signed_in_people_is_not_found_anonymously(guide, write):
    write(
        "comptes",
        title_fr="Créer le compte d'un rédacteur",
        body_fr="Identifiant : prenomnom.",
        visibility=Article.Visibility.SIGNED_IN,
    )

    assert find("rédacteur", guide.neighbour) == ["comptes"]
    assert find("rédacteur") == []


def test_the_index_follows_every_change_made_through_the_service(guide):
    article = Article.objects.get(slug="ecran-noir")
    article.title_fr = "La page d'accueil reste blanche"
    services.save_article(article)
    assert find("écran") == []
    assert find("blanche") == ["ecran-noir"]

    article.status = Article.Status.DRAFT
    services.save_article(article)
    assert find("blanche") == []

    services.delete_article(article)
    assert find("blanche") == []
    assert index_rows(article_id=article.pk) == 0


def test_reindexing_rebuilds_what_was_lost(guide):
    article = Article.objects.get(slug="imprimante")
    services.search.forget_article(article.pk)
    assert find("imprimante") == []

    assert services.reindex_all() == 3
    assert find("imprimante") == ["imprimante"]
    assert index_rows(article_id=article.pk) == 2  # French and English


def test_a_query_without_words_finds_nothing(guide):
    assert find("") == []
    assert find("  ?! ") == []
    assert find('"OR" NEAR(*) -') == []


def index_rows(article_id: int) -> int:
    table = "kb_search_document" if connection.vendor == "postgresql" else "kb_article_fts"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE article_id = %s", [article_id])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.mark.sqlite
def test_sqlite_searches_an_fts5_table_that_removes_accents(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'kb_article_fts'")
        [(sql,)] = cursor.fetchall()
    assert "fts5" in sql
    assert 'tokenize="unicode61 remove_diacritics 2"' in sql


@pytest.mark.postgres
def test_postgresql_searches_gin_indexes_with_an_unaccented_french_configuration(db):
    """The documents' tsvectors and the guide's words (for typos) are GIN-indexed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename LIKE 'kb_search_%%'")
        indexes = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT to_tsvector('comptoir_french', 'Les écrans des imprimantes')::text")
        [(vector,)] = cursor.fetchall()
    assert "USING gin (document)" in indexes
    assert "USING gin (word gin_trgm_ops)" in indexes
    assert {"'ecran':2", "'imprim':4"} <= set(vector.split())
