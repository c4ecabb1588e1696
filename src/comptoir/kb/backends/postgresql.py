"""PostgreSQL: a tsvector per language version in ``kb_search_document`` (GIN index), built
with unaccented French or English text search configurations (``comptoir_french``,
``comptoir_english``: "écran" finds "ecran", "imprimantes" finds "imprimante"), ranked by
``ts_rank`` with titles weighing more.

Typos: every word the guide uses is kept in ``kb_search_word`` (trigram index). Each query
word is also looked for as its nearest known word (pg_trgm similarity), so "mailpot" finds
"Mailpoet" while every other word of the query still has to match. Created by migration
``kb.0002``."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from comptoir.kb import stemming
from comptoir.kb.backends.base import Entry, SearchBackend
from comptoir.kb.models import Article

CONFIGS = {"fr": "comptoir_french", "en": "comptoir_english"}
# Shorter words are left as typed: a near word of three letters is mostly another word.
MIN_CORRECTED = 4
MAX_WORD = 40


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def index(self, article_id: int, entries: list[Entry]) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM kb_search_document WHERE article_id = %s", [article_id])
            known: set[str] = set()
            for entry in entries:
                config = CONFIGS[entry.language]
                cursor.execute(
                    "INSERT INTO kb_search_document (article_id, language, document) VALUES (%s, %s, "  # noqa: S608 - config is ours
                    f"setweight(to_tsvector('{config}', %s), 'A') || "
                    f"setweight(to_tsvector('{config}', %s), 'B'))",
                    [article_id, entry.language, entry.title, entry.body],
                )
                known.update(stemming.words(f"{entry.title} {entry.body}"))
            words = sorted(w for w in known if MIN_CORRECTED <= len(w) <= MAX_WORD and not w.isdigit())
            if words:
                cursor.execute(
                    "INSERT INTO kb_search_word (word) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING",
                    [words],
                )

    def _nearest(self, words: list[str]) -> dict[str, str]:
        """For each word long enough, the guide's word most like it (itself when known)."""
        asked = [w for w in words if MIN_CORRECTED <= len(w) <= MAX_WORD]
        if not asked:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT asked.w, (SELECT k.word FROM kb_search_word k WHERE k.word %% asked.w "
                "ORDER BY similarity(k.word, asked.w) DESC, k.word LIMIT 1) "
                "FROM unnest(%s::text[]) AS asked(w)",
                [asked],
            )
            return {w: near for w, near in cursor.fetchall() if near}

    @staticmethod
    def _tsquery(
        words: list[str], nearest: dict[str, str], language: str, *, any_word: bool
    ) -> tuple[str, list[str]]:
        """One tsquery per word (the word OR its nearest known word), all AND-ed, or OR-ed
        for ``any_word``. Stop words give empty queries, which ``&&`` and ``||`` drop."""
        config = CONFIGS[language]
        parts, params = [], []
        for word in words:
            spellings = [word] if nearest.get(word, word) == word else [word, nearest[word]]
            parts.append("(" + " || ".join([f"plainto_tsquery('{config}', %s)"] * len(spellings)) + ")")
            params += spellings
        return "(" + (" || " if any_word else " && ").join(parts) + ")", params

    def match(
        self, query: str, *, candidates: QuerySet[Article], limit: int, any_word: bool
    ) -> list[tuple[int, float]]:
        words = list(dict.fromkeys(w for w in stemming.words(query) if len(w) > 1))[
            : stemming.MAX_QUERY_TERMS
        ]
        if not words:
            return []
        nearest = self._nearest(words)
        q_fr, fr_params = self._tsquery(words, nearest, "fr", any_word=any_word)
        q_en, en_params = self._tsquery(words, nearest, "en", any_word=any_word)
        allowed, allowed_params = candidates.order_by().values("pk").query.sql_with_params()
        # Ranked in a materialised step, so only (article, score) pairs are grouped and
        # sorted, never the documents themselves.
        sql = f"""
            WITH ranked AS MATERIALIZED (
                SELECT d.article_id,
                       ts_rank(d.document, CASE WHEN d.language = 'en' THEN {q_en} ELSE {q_fr} END) AS score
                  FROM kb_search_document d
                 WHERE d.article_id IN ({allowed})
                   AND ((d.language = 'fr' AND d.document @@ {q_fr})
                        OR (d.language = 'en' AND d.document @@ {q_en}))
            )
            SELECT article_id, MAX(score) AS best FROM ranked
             GROUP BY article_id
             ORDER BY best DESC, article_id
             LIMIT %s
        """  # noqa: S608 - only our own constants and Django's compiled subquery are formatted in
        params = [*en_params, *fr_params, *allowed_params, *fr_params, *en_params, limit]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(int(pk), float(score)) for pk, score in cursor.fetchall()]
