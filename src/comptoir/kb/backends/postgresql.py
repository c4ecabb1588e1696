"""PostgreSQL: a tsvector per language version in ``kb_search_document`` (GIN index), built
with unaccented French or English text search configurations (``comptoir_french``,
``comptoir_english``: "écran" finds "ecran", "imprimantes" finds "imprimante"), ranked by
``ts_rank`` with titles weighing more.

Typos: every word the guide uses is kept in ``kb_search_word`` (trigram index). Each query
word is also looked for as its nearest known word (pg_trgm similarity), so "mailpot" finds
"Mailpoet" while every other word of the query still has to match. Created by migration
``kb.0002``.

Speed (migration ``kb.0003``): ranking reads each document from the table, and a word
found in one article in ten already means a thousand documents in a guide of 10,000, most
of them weak matches. So ``match`` first gathers at most ``CANDIDATES`` documents the
reader may read, found through the GIN indexes, strongest tier first, and ranks only those:

- every word: those with a word in their title (``kb_search_title_idx``, an index over the
  titles' lexemes), then the others;
- any word: those sharing all the words, then all but one, and so on down to three, then
  those with a word in their title, then those sharing two words, then the rest.

A title weighs 1 and a word of the text 0.4 in ``ts_rank``, hence this order: the best
matches are in the first tiers, which are complete unless the guide holds hundreds of
equally strong articles (measured on 10,000 articles: the same ten as ranking every match,
ties aside). The tiers are read in order and lazily: once enough is gathered, the weaker
ones are not read at all, and each document gathered costs one look-up of its article
(may this reader read it?) rather than a scan of every readable article. The GIN indexes
keep no pending list (a guide is written far less often than it is searched), and the
table is not scanned in parallel (the tiers must be read in their order).
"""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.db.models import QuerySet

from comptoir.kb import stemming
from comptoir.kb.backends.base import Entry, SearchBackend, query_words
from comptoir.kb.models import Article

CONFIGS = {"fr": "comptoir_french", "en": "comptoir_english"}
# Shorter words are left as typed: a near word of three letters is mostly another word.
MIN_CORRECTED = 4
MAX_WORD = 40
# Documents gathered before ranking: a few hundred pages read whatever the size of the guide.
CANDIDATES = 400
# The largest "at least k of the words" tsquery written, in references to the query's words;
# for long subjects the middle tiers (k near half the words) would be larger and are skipped.
MAX_TIER_SIZE = 100

TITLE = "ts_filter(d.document, '{a}')"  # the lexemes of the title (weight A), indexed
DOCUMENT = "d.document"


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

    def _spellings(self, words: list[str]) -> dict[str, list[str]]:
        """Per language, one tsquery (as text) per query word: the word as typed or, when
        long enough, the guide's word most like it. Stop words of the language are left
        out, and words with the same lexemes counted once ("importer", "import")."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT plainto_tsquery('comptoir_french', asked.w)::text,"
                " plainto_tsquery('comptoir_french', near.word)::text,"
                " plainto_tsquery('comptoir_english', asked.w)::text,"
                " plainto_tsquery('comptoir_english', near.word)::text"
                " FROM unnest(%s::text[]) WITH ORDINALITY AS asked(w, n)"
                " LEFT JOIN LATERAL (SELECT k.word FROM kb_search_word k"
                "   WHERE length(asked.w) BETWEEN %s AND %s AND k.word %% asked.w"
                "   ORDER BY similarity(k.word, asked.w) DESC, k.word LIMIT 1) AS near ON true"
                " ORDER BY asked.n",
                [words, MIN_CORRECTED, MAX_WORD],
            )
            rows = cursor.fetchall()
        spellings: dict[str, list[str]] = {language: [] for language in CONFIGS}
        for fr, fr_near, en, en_near in rows:
            for language, typed, near in (("fr", fr, fr_near), ("en", en, en_near)):
                word = _any([q for q in dict.fromkeys((typed, near)) if q])
                if word and word not in spellings[language]:
                    spellings[language].append(word)
        return spellings

    def match(
        self, query: str, *, candidates: QuerySet[Article], limit: int, any_word: bool
    ) -> list[tuple[int, float]]:
        words = query_words(query, any_word=any_word)
        if not words:
            return []
        spellings = self._spellings(words)
        if not any(spellings.values()):
            return []
        wanted = {lang: (_any if any_word else _all)(ws) for lang, ws in spellings.items() if ws}
        allowed, allowed_params = candidates.order_by().values("pk").query.sql_with_params()
        gathered = max(CANDIDATES, 4 * limit)
        ctes, params = [], []
        for i, conditions in enumerate(_tiers(spellings, any_word=any_word)):
            where = " AND ".join(f"{column} @@ %s::tsquery" for column, _ in conditions)
            # OFFSET 0: one look-up of the document's article, not a scan of every readable one.
            ctes.append(
                f"tier{i} AS MATERIALIZED (SELECT d.article_id FROM kb_search_document d WHERE {where}"  # noqa: S608
                f" AND EXISTS (SELECT 1 FROM ({allowed}) AS a WHERE a.pk = d.article_id OFFSET 0) LIMIT %s)"
            )
            params += [*(tsquery for _, tsquery in conditions), *allowed_params, gathered]
        tiers = " UNION ALL ".join(f"SELECT article_id FROM tier{i}" for i in range(len(ctes)))  # noqa: S608
        own_language = "CASE d.language WHEN 'en' THEN %s::tsquery ELSE %s::tsquery END"
        sql = f"""
            WITH {", ".join(ctes)},
            gathered AS MATERIALIZED (SELECT DISTINCT article_id FROM ({tiers} LIMIT %s) AS g)
            SELECT d.article_id, MAX(ts_rank(d.document, {own_language})) AS score
              FROM gathered g JOIN kb_search_document d ON d.article_id = g.article_id
             WHERE d.document @@ {own_language}
             GROUP BY d.article_id
             ORDER BY score DESC, d.article_id
             LIMIT %s
        """  # noqa: S608 - only our own constants and Django's compiled subquery are formatted in
        ranked = [wanted.get("en"), wanted.get("fr")]
        params += [gathered, *ranked, *ranked, limit]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(int(pk), float(score)) for pk, score in cursor.fetchall()]


def _tiers(spellings: dict[str, list[str]], *, any_word: bool) -> list[list[tuple[str, str]]]:
    """The gathering tiers, strongest first: each a list of (indexed column, tsquery) that a
    document must all match, in any of its languages (the ranking then keeps to its own)."""

    def either(formula) -> str:
        return " | ".join(f"({formula(ws)})" for ws in spellings.values() if ws)

    if not any_word:
        return [[(TITLE, either(_any)), (DOCUMENT, either(_all))], [(DOCUMENT, either(_all))]]
    most = max(len(ws) for ws in spellings.values())

    def sharing(k: int) -> list[list[tuple[str, str]]]:
        parts = [
            f"({_at_least(ws, k)})"
            for ws in spellings.values()
            if len(ws) >= k and _size(len(ws), k) <= MAX_TIER_SIZE
        ]
        return [[(DOCUMENT, " | ".join(parts))]] if parts else []

    tiers = [tier for k in range(most, 2, -1) for tier in sharing(k)]
    tiers.append([(TITLE, either(_any))])
    tiers += sharing(2)
    tiers.append([(DOCUMENT, either(_any))])
    return tiers


def _all(words: list[str]) -> str:
    return " & ".join(f"({w})" for w in words)


def _any(words: list[str]) -> str:
    return " | ".join(f"({w})" for w in words) if len(words) > 1 else "".join(words)


def _at_least(words: list[str], k: int) -> str:
    """A tsquery true when at least ``k`` of ``words`` match, written so that it is cut short
    as soon as a word is missing: (w1 & at_least(k-1, rest)) | at_least(k, rest)."""
    if k == len(words):
        return _all(words)
    if k == 1:
        return _any(words)
    first, rest = words[0], words[1:]
    return f"(({first}) & ({_at_least(rest, k - 1)})) | ({_at_least(rest, k)})"


@cache
def _size(n: int, k: int) -> int:
    """How many word references ``_at_least`` writes for ``k`` of ``n`` words."""
    if k in (1, n):
        return n
    return 2 + _size(n - 1, k - 1) + _size(n - 1, k)
