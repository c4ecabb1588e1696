"""The guide (knowledge base) seen through the API: searching the articles the caller may
read, as the guide's search page does (``comptoir.kb.search``). A draft is never found, nor
an article shown only to another organisation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from ninja import Field, Query, Router, Schema
from pydantic import AfterValidator, StringConstraints
from pydantic_core import PydanticCustomError

from comptoir.api.schemas import READ_ERRORS, Text
from comptoir.api.security import READ
from comptoir.kb import search as kb_search
from comptoir.kb.models import reader_language

router = Router(tags=["guide"])


def _has_text(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank_text", "The query is only spaces")
    return value


# A query of spaces is refused like an empty one.
SearchText = Annotated[
    Text,
    StringConstraints(min_length=1, max_length=kb_search.MAX_QUERY_LENGTH),
    AfterValidator(_has_text),
]


class SearchArgs(Schema):
    q: SearchText = Field(description="What to look for: words (accents and plurals do not matter).")
    language: Literal["fr", "en"] | None = Field(
        None,
        description="The reader's language: each article is given in it when written, else in the "
        "other one. Default: the caller's language.",
    )
    limit: int = Field(10, ge=1, le=kb_search.MAX_LIMIT)
    any_word: bool = Field(
        False,
        description="Also find articles sharing only some of the words (ranked after those having "
        "them all), as the new-request form's suggestions do.",
    )


class CategoryOut(Schema):
    id: int
    slug: str
    name: str


class ArticleHit(Schema):
    id: int
    slug: str
    title: str
    language: Literal["fr", "en"] = Field(description="The language of the title and excerpt.")
    is_fallback: bool = Field(description="True when the article is not written in the language asked.")
    category: CategoryOut
    excerpt: str = Field(description="The beginning of the text, without its formatting.")
    url: str = Field(examples=["/kb/articles/importer-des-contacts/"], description="The article's page.")
    updated_at: datetime


def hit_out(hit: kb_search.Hit, *, language: str) -> dict[str, Any]:
    article, category = hit.article, hit.article.category
    return {
        "id": article.pk,
        "slug": article.slug,
        "title": hit.version.title,
        "language": hit.version.language,
        "is_fallback": hit.version.is_fallback,
        "category": {"id": category.pk, "slug": category.slug, "name": category.name_for(language)},
        "excerpt": hit.excerpt,
        "url": reverse("kb:article", kwargs={"slug": article.slug}),
        "updated_at": article.updated_at,
    }


@router.get("/search", response={200: list[ArticleHit], **READ_ERRORS}, auth=READ, summary="Search the guide")
def search_articles(request: HttpRequest, args: Query[SearchArgs]) -> list[dict[str, Any]]:
    """Published articles of the guide the caller may read that match ``q``, best first, at
    most ``limit`` (50 at most). Every word must match unless ``any_word``. A query without
    a word to look for (only punctuation, or one letter) finds nothing."""
    language = args.language or reader_language(translation.get_language())
    hits = kb_search.search(
        args.q, user=request.auth, language=language, limit=args.limit, any_word=args.any_word
    )
    return [hit_out(h, language=language) for h in hits]
