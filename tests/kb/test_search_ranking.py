"""The best article first, however many articles share the words (procedure 000: the
requester checks the guide before opening a ticket, and the suggestions appear while they
type the subject).

On PostgreSQL a large guide is ranked among the strongest candidates only (see
``kb.backends.postgresql``): here the number of candidates is brought down to a handful,
so that a few articles play the part of the thousands sharing a common word. SQLite ranks
every match; the same expectations hold there."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from comptoir.kb.backends import postgresql
from comptoir.kb.models import Article
from comptoir.kb.search import search

MANY = 6


@pytest.fixture(autouse=True)
def few_candidates(monkeypatch):
    monkeypatch.setattr(postgresql, "CANDIDATES", 3)


def first(query: str, user=None, **kwargs) -> str | None:
    hits = search(query, user=user or AnonymousUser(), language="fr", limit=1, **kwargs)
    return hits[0].article.slug if hits else None


def test_the_article_titled_with_the_word_comes_before_those_only_mentioning_it(write):
    for i in range(MANY):
        write(f"lettre-{i}", title_fr=f"Lettre d'information n° {i}", body_fr="Envoyée avec Mailpoet.")
    write("mailpoet", title_fr="Prendre en main Mailpoet", body_fr="Les réglages de l'extension.")

    assert first("mailpoet") == "mailpoet"
    assert first("mailpoet", any_word=True) == "mailpoet"


def test_the_subject_finds_first_the_article_sharing_most_of_its_words(write):
    for i in range(MANY):
        write(f"liste-{i}", title_fr=f"Rubrique {i}", body_fr="La liste des pages de la rubrique.")
    write(
        "import",
        title_fr="Nouveautés de l'extension",
        body_fr="Importer une liste d'abonnés depuis un fichier CSV.",
    )

    assert first("Comment importer ma liste d'abonnés ?", any_word=True) == "import"


def test_a_requester_finds_the_article_of_their_organisation_among_those_of_others(write, desk):
    for i in range(MANY):
        write(
            f"mairie-{i}",
            title_fr=f"Mailpoet à la mairie ({i})",
            body_fr="La liste des administrés.",
            visibility=Article.Visibility.ORGANISATIONS,
            organisations=[desk.customer],
        )
    write(
        "paroisse",
        title_fr="Mailpoet à la paroisse",
        body_fr="La liste des paroissiens.",
        visibility=Article.Visibility.ORGANISATIONS,
        organisations=[desk.parish],
    )

    assert first("mailpoet", desk.requester) == "paroisse"
    assert first("Mailpoet ne marche plus", desk.requester, any_word=True) == "paroisse"
    assert first("mailpoet", desk.neighbour).startswith("mairie-")


def test_the_little_words_of_a_subject_find_nothing(write):
    write("commentaires", title_en="Moderating comments", body_en="Approve or delete the comments.")
    write("image", title_fr="Ajouter une image", body_fr="Depuis la médiathèque.")

    found = search("Comment ajouter une image ?", user=AnonymousUser(), language="fr", any_word=True)
    assert [hit.article.slug for hit in found] == ["image"]
    assert search("le la les", user=AnonymousUser(), language="fr", any_word=True) == []


def test_an_article_written_in_both_languages_is_found_once(write):
    write(
        "mailpoet",
        title_fr="Mailpoet",
        body_fr="Les abonnés de Mailpoet.",
        title_en="Mailpoet",
        body_en="Mailpoet subscribers.",
    )
    write("abonnes", title_fr="Les abonnés", body_fr="Importer des abonnés dans Mailpoet.")

    found = search("mailpoet", user=AnonymousUser(), language="en", limit=2)
    assert [hit.article.slug for hit in found] == ["mailpoet", "abonnes"]
