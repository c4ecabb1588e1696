"""Searching the guide: one interface, two back-ends chosen by the database vendor
(PostgreSQL full text with unaccented French/English stemming and trigrams for typos; SQLite
FTS5 with accents removed and light stems). Readers only ever find published articles they
may read, in their own language when it is written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from comptoir.kb import rendering, stemming
from comptoir.kb.backends.base import Entry, SearchBackend
from comptoir.kb.backends.postgresql import PostgresBackend
from comptoir.kb.backends.sqlite import SqliteBackend
from comptoir.kb.models import Article, Version
from comptoir.kb.selectors import searchable_articles

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from comptoir.accounts.models import User

BACKENDS: dict[str, SearchBackend] = {b.vendor: b for b in (PostgresBackend(), SqliteBackend())}
MAX_LIMIT = 50
MAX_QUERY_LENGTH = 250


@dataclass(frozen=True)
class Hit:
    article: Article
    version: Version  # the reader's language when written, else the other one
    excerpt: str
    score: float


def backend() -> SearchBackend:
    try:
        return BACKENDS[connection.vendor]
    except KeyError:
        raise ImproperlyConfigured(f"The guide cannot search a {connection.vendor} database.") from None


def entries(article: Article) -> list[Entry]:
    return [
        Entry(article.pk, v.language, v.title, rendering.to_text(v.body))
        for v in (article.version(lang) for lang in article.languages)
    ]


def index_article(article: Article) -> None:
    """Bring the index up to date with ``article`` (called by ``kb.services``)."""
    backend().index(article.pk, entries(article))


def forget_article(article_id: int) -> None:
    backend().index(article_id, [])


def search(
    query: str,
    *,
    user: User | AnonymousUser,
    language: str,
    limit: int = 10,
    any_word: bool = False,
) -> list[Hit]:
    """Published articles ``user`` may read that match ``query``, best first, in a few
    queries whatever the size of the guide (the match, then the articles with their
    category). ``any_word`` suits suggestions while a requester types a subject: articles
    sharing some of its words are found."""
    query = query.strip()[:MAX_QUERY_LENGTH]
    if not any(len(w) > 1 for w in stemming.words(query)):
        return []
    limit = min(max(limit, 1), MAX_LIMIT)
    matches = backend().match(query, candidates=searchable_articles(user), limit=limit, any_word=any_word)
    if not matches:
        return []
    articles = Article.objects.select_related("category").in_bulk([pk for pk, _ in matches])
    hits = []
    for pk, score in matches:
        article = articles.get(pk)
        if article is None:  # deleted between the two queries
            continue
        version = article.version(language)
        hits.append(Hit(article, version, rendering.excerpt(version.body), score))
    return hits
