"""Writing the guide in the configuration pages: what is saved there is searchable at
once, files get their real type, and an article without a complete version is refused."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile

from comptoir.kb.models import Article, ArticleAttachment
from comptoir.kb.search import search

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def form(category, **fields):
    data = {
        "category": category.pk,
        "slug": "ajouter-une-actualite",
        "status": "published",
        "position": 0,
        "title_fr": "Ajouter une actualité",
        "body_fr": "Ouvrez **Articles › Ajouter**.",
        "title_en": "",
        "body_en": "",
        "visibility": "public",
        "attachments-TOTAL_FORMS": 1,
        "attachments-INITIAL_FORMS": 0,
        "attachments-MIN_NUM_FORMS": 0,
        "attachments-MAX_NUM_FORMS": 1000,
        "attachments-0-label": "Guide d'édition",
        "attachments-0-position": 0,
        "attachments-0-file": SimpleUploadedFile("guide.bin", PDF, content_type="text/html"),
    }
    data.update(fields)
    return data


def test_an_article_written_in_the_admin_is_found_at_once_with_its_file(desk, sites_category, client):
    client.force_login(desk.admin)

    response = client.post("/admin/kb/article/add/", form(sites_category))

    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    assert article.published_at is not None
    [hit] = search("actualites", user=AnonymousUser(), language="fr")
    assert hit.article == article
    attachment = ArticleAttachment.objects.get()
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        "guide.bin",
        "application/pdf",
        len(PDF),
    )
    assert client.get("/admin/kb/article/").status_code == 200
    assert client.get("/admin/kb/deflection/").status_code == 200


def test_an_article_without_a_complete_version_is_refused(desk, sites_category, client):
    client.force_login(desk.admin)

    response = client.post("/admin/kb/article/add/", form(sites_category, body_fr=""))

    assert response.status_code == 200
    assert "doit avoir un titre et un texte" in response.content.decode()
    assert not Article.objects.exists()


def test_publishing_from_the_list_indexes_and_deleting_unindexes(desk, write, client):
    draft = write("brouillon", title_fr="Mailpoet : les listes", body_fr="Texte.", status="draft")
    client.force_login(desk.admin)

    client.post("/admin/kb/article/", {"action": "publish", "_selected_action": [draft.pk]})
    assert [h.article for h in search("listes", user=AnonymousUser(), language="fr")] == [draft]

    client.post(
        "/admin/kb/article/", {"action": "delete_selected", "_selected_action": [draft.pk], "post": "yes"}
    )
    assert not Article.objects.exists()
    assert search("listes", user=AnonymousUser(), language="fr") == []
