"""SQLite (the embedded default): an FTS5 table ``kb_article_fts`` with the ``unicode61
remove_diacritics 2`` tokenizer (case and accents folded: "écran" finds "ecran"), holding
each language version's words reduced by ``kb.stemming`` (so "imprimantes" finds
"imprimante"), ranked by bm25 with titles weighing more. Created by migration ``kb.0002``.
No typo tolerance here: that is PostgreSQL's trigram index.

Speed (migration ``kb.0003``): a row's rowid says whose it is (``rowid``: article id × 2,
+ 1 for English), so a match reads only the full-text index, never the stored text, and
bm25 comes from the index too. Each language keeps its ``limit`` best readable matches,
which hold the ``limit`` best articles (an article's score is its better language's).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from comptoir.kb import stemming
from comptoir.kb.backends.base import Entry, SearchBackend, query_words
from comptoir.kb.models import LANGUAGES, Article

TITLE_WEIGHT = 4.0


def rowid(article_id: int, language: str) -> int:
    return article_id * 2 + LANGUAGES.index(language)


class SqliteBackend(SearchBackend):
    vendor = "sqlite"

    def index(self, article_id: int, entries: list[Entry]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM kb_article_fts WHERE rowid IN (%s, %s)",
                [rowid(article_id, language) for language in LANGUAGES],
            )
            for entry in entries:
                cursor.execute(
                    "INSERT INTO kb_article_fts (rowid, title, body, article_id, language)"
                    " VALUES (%s, %s, %s, %s, %s)",
                    [
                        rowid(article_id, entry.language),
                        stemming.index_text(entry.title, entry.language),
                        stemming.index_text(entry.body, entry.language),
                        article_id,
                        entry.language,
                    ],
                )

    @staticmethod
    def _terms(query: str, language: str, *, any_word: bool) -> list[str]:
        if not any_word:
            return stemming.query_terms(query, language)
        return list(dict.fromkeys(stemming.stem(w, language) for w in query_words(query, any_word=True)))

    def match(
        self, query: str, *, candidates: QuerySet[Article], limit: int, any_word: bool
    ) -> list[tuple[int, float]]:
        allowed, allowed_params = candidates.order_by().values("pk").query.sql_with_params()
        branches, params = [], []
        for language in LANGUAGES:
            terms = self._terms(query, language, any_word=any_word)
            if not terms:
                continue
            # Terms are \w+ only: quoted, FTS5 reads them as plain words, never as syntax.
            expression = (" OR " if any_word else " ").join(f'"{t}"' for t in terms)
            # (rowid >> 1) rather than rowid: FTS5 would look each readable article up on its own.
            branches.append(
                "SELECT * FROM (SELECT rowid >> 1 AS article_id,"  # noqa: S608 - our constants only
                f" bm25(kb_article_fts, {TITLE_WEIGHT}, 1.0) AS score"
                " FROM kb_article_fts WHERE kb_article_fts MATCH %s AND (rowid & 1) = %s"
                f" AND (rowid >> 1) IN ({allowed}) ORDER BY score LIMIT %s)"
            )
            params += [expression, LANGUAGES.index(language), *allowed_params, limit]
        if not branches:
            return []
        union = " UNION ALL ".join(branches)
        sql = (
            f"SELECT article_id, MIN(score) AS best FROM ({union}) "  # noqa: S608 - our constants only
            "GROUP BY article_id ORDER BY best, article_id LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit])
            # bm25: lower is better; the contract says higher is better.
            return [(int(pk), -float(score)) for pk, score in cursor.fetchall()]
