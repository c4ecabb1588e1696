"""The guide's pages run a constant number of SQL queries however many articles, files and
organisations there are: each page is measured on a small guide, then on a bigger one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.kb import services
from comptoir.kb.models import Article

PAGES = {
    "home": "/kb/",
    "category": "/kb/categories/sites-wordpress/",
    "article": "/kb/articles/mailpoet-0/",
    "search": "/kb/search/?q=mailpoet",
    "suggestions": "/kb/suggestions/?subject=importer+mes+contacts+mailpoet",
}


def queries(page: str, signed_in: bool) -> int:
    """Session and user when signed in; then the page's own reads. PostgreSQL's search
    first looks for the guide's words nearest to the query's (typos)."""
    own = {"home": 1, "category": 2, "article": 3, "search": 2, "suggestions": 2}[page]
    if page in {"search", "suggestions"} and connection.vendor == "postgresql":
        own += 1
    if page == "article" and not signed_in:
        own -= 1  # no session yet: no vote to look up
    return own + (2 if signed_in else 0)


def grow(write, desk, start: int, count: int) -> None:
    for i in range(start, start + count):
        article = write(
            f"mailpoet-{i}",
            title_fr=f"Importer des contacts dans Mailpoet ({i})",
            body_fr="Ouvrez **Mailpoet › Abonnés › Importer**.",
            title_en=f"Import contacts into Mailpoet ({i})",
            body_en="Open **MailPoet › Subscribers › Import**.",
            visibility=Article.Visibility.ORGANISATIONS if i % 2 else Article.Visibility.PUBLIC,
            organisations=[desk.parish, desk.customer] if i % 2 else [],
        )
        services.add_attachment(article, filename=f"guide-{i}.pdf", content=b"%PDF-1.4\n%%EOF\n")


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["anonymous", "requester"])
def test_guide_pages_run_constant_queries(desk, write, client, page, who):
    if who == "requester":
        client.force_login(desk.requester)
    grow(write, desk, 0, 2)
    counts = []
    for start, more in ((2, 0), (2, 12)):
        grow(write, desk, start, more)
        client.get(PAGES[page])
        with CaptureQueriesContext(connection) as captured:
            response = client.get(PAGES[page])
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts == [queries(page, who == "requester")] * 2, [q["sql"] for q in captured.captured_queries]
