"""SQLite (the embedded default): an FTS5 table ``kb_article_fts`` with the ``unicode61
remove_diacritics 2`` tokenizer (case and accents folded: "écran" finds "ecran"), holding
each language version's words reduced by ``kb.stemming`` (so "imprimantes" finds
"imprimante"), ranked by bm25 with titles weighing more. Created by migration ``kb.0002``.
No typo tolerance here: that is PostgreSQL's trigram index."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from comptoir.kb import stemming
from comptoir.kb.backends.base import Entry, SearchBackend
from comptoir.kb.models import LANGUAGES, Article

TITLE_WEIGHT = 4.0


class SqliteBackend(SearchBackend):
    vendor = "sqlite"

    def index(self, article_id: int, entries: list[Entry]) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM kb_article_fts WHERE article_id = %s", [article_id])
            for entry in entries:
                cursor.execute(
                    "INSERT INTO kb_article_fts (title, body, article_id, language) VALUES (%s, %s, %s, %s)",
                    [
                        stemming.index_text(entry.title, entry.language),
                        stemming.index_text(entry.body, entry.language),
                        article_id,
                        entry.language,
                    ],
                )

    def match(
        self, query: str, *, candidates: QuerySet[Article], limit: int, any_word: bool
    ) -> list[tuple[int, float]]:
        branches, params = [], []
        for language in LANGUAGES:
            terms = stemming.query_terms(query, language)
            if not terms:
                continue
            # Terms are \w+ only: quoted, FTS5 reads them as plain words, never as syntax.
            expression = (" OR " if any_word else " ").join(f'"{t}"' for t in terms)
            branches.append(
                f"SELECT article_id, bm25(kb_article_fts, {TITLE_WEIGHT}, 1.0) AS rank FROM kb_article_fts "  # noqa: S608
                "WHERE kb_article_fts MATCH %s AND language = %s"
            )
            params += [expression, language]
        if not branches:
            return []
        allowed, allowed_params = candidates.order_by().values("pk").query.sql_with_params()
        union = " UNION ALL ".join(branches)
        sql = (
            f"SELECT article_id, MIN(rank) AS best FROM ({union}) "  # noqa: S608 - our constants only
            f"WHERE article_id IN ({allowed}) GROUP BY article_id ORDER BY best, article_id LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *allowed_params, limit])
            # bm25: lower is better; the contract says higher is better.
            return [(int(pk), -float(rank)) for pk, rank in cursor.fetchall()]
