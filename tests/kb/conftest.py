"""Guide articles for the tests: written through the service, as the configuration pages
do, so the search index follows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from comptoir.kb import services
from comptoir.kb.models import Article, Category

WriteArticle = Callable[..., Article]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def sites_category(db: None) -> Category:
    return Category.objects.create(
        slug="sites-wordpress",
        name_fr="Sites WordPress",
        name_en="WordPress sites",
        description_fr="Publier, gérer les comptes, envoyer la lettre d'information.",
    )


@pytest.fixture
def write(sites_category: Category) -> WriteArticle:
    """``write("slug", title_fr=…, body_fr=…, …)``: a published public article unless told."""

    def make(slug: str, *, organisations: list[Any] = (), **fields: Any) -> Article:
        fields.setdefault("category", sites_category)
        fields.setdefault("status", Article.Status.PUBLISHED)
        fields.setdefault("visibility", Article.Visibility.PUBLIC)
        article = services.save_article(Article(slug=slug, **fields))
        if organisations:
            article.organisations.set(organisations)
        return article

    return make
