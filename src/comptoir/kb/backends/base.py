"""The contract every search back-end keeps.

A back-end owns its index (a table its migration created) and answers queries from it. The
articles themselves stay in ``kb_article``: the index holds, for each article, one entry
per language it is written in, and nothing about who may read it — the caller passes the
articles a reader may find as a subquery, so visibility has one definition
(``kb.selectors.searchable_articles``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from comptoir.kb import stemming
from comptoir.kb.models import Article

# A subject is a sentence: searched with ``any_word``, its little words in either language
# ("le", "dans", "the"…) are left out, so that they neither find nor rank articles.
SUBJECT_STOP_WORDS = stemming.STOP_WORDS["fr"] | stemming.STOP_WORDS["en"]


@dataclass(frozen=True)
class Entry:
    """One language version of an article, as text (Markdown already removed)."""

    article_id: int
    language: str
    title: str
    body: str


def query_words(query: str, *, any_word: bool) -> list[str]:
    """The words to look for, folded, each once, at most ``stemming.MAX_QUERY_TERMS``; a
    single letter is no word. With ``any_word``, stop words of both languages are left out."""
    words = (w for w in stemming.words(query) if len(w) > 1)
    if any_word:
        words = (w for w in words if w not in SUBJECT_STOP_WORDS)
    return list(dict.fromkeys(words))[: stemming.MAX_QUERY_TERMS]


class SearchBackend:
    vendor = ""

    def index(self, article_id: int, entries: list[Entry]) -> None:
        """Replace whatever the index holds for ``article_id`` by ``entries`` (none: the
        article leaves the index). Idempotent. Runs in the caller's transaction, so the
        index changes exactly when the article does."""
        raise NotImplementedError

    def match(
        self, query: str, *, candidates: QuerySet[Article], limit: int, any_word: bool
    ) -> list[tuple[int, float]]:
        """``(article_id, score)`` pairs, best first (higher score is better), at most
        ``limit`` distinct articles, all among ``candidates``, in at most two SQL queries
        whatever the size of the guide. Every language version is searched with its own
        language's rules. ``any_word``: an article matching some of the words is found
        (ranked lower than one matching all; stop words do not count, see ``query_words``);
        otherwise every word must match.

        A back-end may rank only the strongest candidates of a large guide (PostgreSQL
        does, see its module) as long as the best matches are among them."""
        raise NotImplementedError
