"""The guide's texts in the reader's language, for templates."""

from __future__ import annotations

from django import template
from django.utils import translation

from comptoir.kb import rendering
from comptoir.kb.models import Article, Category, Version, reader_language

register = template.Library()


def _language() -> str:
    return reader_language(translation.get_language())


@register.filter
def in_reader_language(article: Article) -> Version:
    """The version of ``article`` to show: the reader's language when written."""
    return article.version(_language())


@register.filter
def category_name(category: Category) -> str:
    return category.name_for(_language())


@register.filter
def category_description(category: Category) -> str:
    return category.description_for(_language())


@register.filter
def summary(article: Article) -> str:
    return rendering.excerpt(article.version(_language()).body)
