"""The light stems of the SQLite back-end: plurals, accents and a few verb endings meet;
words that only look alike stay apart."""

from __future__ import annotations

import pytest

from comptoir.kb.stemming import fold, index_text, query_terms, stem


def test_accents_case_and_ligatures_are_folded():
    assert fold("Écran ŒUVRE Ça") == "ecran oeuvre ca"


@pytest.mark.parametrize(
    ("variants", "language"),
    [
        (["imprimante", "imprimantes", "Imprimantes"], "fr"),
        (["actualité", "actualités", "actualite"], "fr"),
        (["importer", "importez", "importe", "importée", "importées"], "fr"),
        (["contact", "contacts"], "fr"),
        (["printer", "printers"], "en"),
        (["library", "libraries"], "en"),
    ],
)
def test_variants_share_one_stem(variants, language):
    assert len({index_text(v, language) for v in variants}) == 1


def test_short_words_and_double_s_are_left_alone():
    assert stem("mot", "fr") == "mot"
    assert stem("process", "fr") == "process"
    assert stem("access", "en") == "access"
    assert stem("status", "en") == "status"


def test_a_query_drops_stop_words_and_repeats():
    assert query_terms("Comment importer les contacts ? Les contacts !", "fr") == ["import", "contact"]
    assert query_terms("How do I import my contacts", "en") == ["import", "contact"]
    assert query_terms("le la les", "fr") == []


def test_a_query_keeps_at_most_sixteen_terms():
    assert len(query_terms(" ".join(f"mot{i}" for i in range(40)), "fr")) == 16
