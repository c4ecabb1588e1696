"""Reads of the guide, filtered by what the reader may see: a page or a file one may not read
is "not found", like one that does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from comptoir.core.errors import NotFound
from comptoir.kb.models import Article, ArticleAttachment, Category

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from comptoir.accounts.models import User

PAGE_SIZE = 25
MAX_PAGE = 200


def _is_staff(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_staff_member)  # type: ignore[union-attr]


def readable_articles(user: User | AnonymousUser) -> QuerySet[Article]:
    """Articles a person may read. The support team reads every one (drafts too, to
    proofread them); others read published articles that are public, for signed-in
    people when signed in, or shown to their own organisation."""
    articles = Article.objects.all()
    if _is_staff(user):
        return articles
    articles = articles.filter(status=Article.Status.PUBLISHED)
    if not user.is_authenticated:
        return articles.filter(visibility=Article.Visibility.PUBLIC)
    allowed = Q(visibility__in=[Article.Visibility.PUBLIC, Article.Visibility.SIGNED_IN])
    organisation_id = getattr(user, "organisation_id", None)
    if organisation_id:
        shown_to_mine = Article.organisations.through.objects.filter(
            article_id=OuterRef("pk"), organisation_id=organisation_id
        )
        allowed |= Q(visibility=Article.Visibility.ORGANISATIONS) & Exists(shown_to_mine)
    return articles.filter(allowed)


def searchable_articles(user: User | AnonymousUser) -> QuerySet[Article]:
    """What search and suggestions may return: readable and published, for everyone."""
    return readable_articles(user).filter(status=Article.Status.PUBLISHED)


def article_for(user: User | AnonymousUser, slug: str) -> Article:
    """One article with its category and files, or NotFound."""
    article = (
        readable_articles(user)
        .select_related("category")
        .prefetch_related(
            Prefetch("attachments", queryset=ArticleAttachment.objects.order_by("position", "pk"))
        )
        .filter(slug=slug)
        .first()
    )
    if article is None:
        raise NotFound(_("No such article."))
    return article


def attachment_for(user: User | AnonymousUser, pk: int, filename: str) -> ArticleAttachment:
    attachment = (
        ArticleAttachment.objects.filter(
            pk=pk, filename=filename, article__in=readable_articles(user).values("pk")
        )
        .select_related("article")
        .first()
    )
    if attachment is None:
        raise NotFound(_("No such file."))
    return attachment


def categories_for(user: User | AnonymousUser) -> list[Category]:
    """The categories holding at least one article the reader may read, with how many."""
    readable = readable_articles(user).values("pk")
    return list(
        Category.objects.annotate(article_count=Count("articles", filter=Q(articles__in=readable))).filter(
            article_count__gt=0
        )
    )


@dataclass
class Page:
    rows: list[Article]
    number: int
    has_next: bool
    filters: dict[str, str]

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def category_page(user: User | AnonymousUser, slug: str, *, page: int = 1) -> tuple[Category, Page]:
    """A category and one bounded page of the articles the reader may read in it."""
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise NotFound(_("No such category."))
    page = min(max(page, 1), MAX_PAGE)
    start = (page - 1) * PAGE_SIZE
    rows = list(readable_articles(user).filter(category=category)[start : start + PAGE_SIZE + 1])
    if not rows and page == 1:
        raise NotFound(_("No such category."))
    return category, Page(rows=rows[:PAGE_SIZE], number=page, has_next=len(rows) > PAGE_SIZE, filters={})
