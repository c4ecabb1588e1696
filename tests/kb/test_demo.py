"""The demo guide: procedure 000's first articles, found by the people they are meant for."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from comptoir import demo
from comptoir.accounts.models import User
from comptoir.kb.models import Article, ArticleAttachment, Category
from comptoir.kb.search import search


def test_the_demo_guide_loads_once_and_is_searchable(db):
    demo.load()
    demo.load()

    assert Category.objects.count() == 4
    assert Article.objects.filter(status="published").count() == 8
    [leaflet] = ArticleAttachment.objects.all()
    assert leaflet.content_type == "application/pdf"
    assert leaflet.file.read().startswith(b"%PDF-1.4")

    anonymous = AnonymousUser()
    assert [h.article.slug for h in search("actualités", user=anonymous, language="fr")] == [
        "ajouter-une-actualite"
    ]
    assert search("mailpoet", user=anonymous, language="fr") == []  # for signed-in people
    pierre = User.objects.get(username="pierremartin")
    lucas = User.objects.get(username="lucasmoreau")
    assert "importer-des-contacts-dans-mailpoet" in [
        h.article.slug for h in search("importer des contacts", user=pierre, language="fr")
    ]
    assert [h.article.slug for h in search("délais", user=pierre, language="fr")] == [
        "delais-de-l-assistance"
    ]
    assert search("délais", user=lucas, language="en") == []  # the parish's contract only
