"""Articles are Markdown turned into safe HTML: formatting, links and tables stay, scripts
and raw HTML never reach a reader's browser."""

from __future__ import annotations

from comptoir.kb.rendering import excerpt, to_html, to_text


def test_markdown_becomes_html():
    html = to_html(
        "## Étapes\n\n1. Ouvrez **Mailpoet**\n2. Cliquez sur [Importer](https://www.mailpoet.com/)"
    )
    assert "<h2>Étapes</h2>" in html
    assert "<strong>Mailpoet</strong>" in html
    assert '<a href="https://www.mailpoet.com/" rel="noopener noreferrer">Importer</a>' in html


def test_tables_are_rendered():
    html = to_html("| Délai | Durée |\n| --- | --- |\n| Prise en charge | 4 h ouvrées |")
    assert "<table>" in html
    assert "<td>4 h ouvrées</td>" in html


def test_raw_html_and_scripts_never_pass():
    html = to_html(
        '<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n[clic](javascript:alert(3))'
    )
    assert "<script" not in html
    assert "<img" not in html
    assert "href" not in html  # the javascript: link stays plain text
    assert "&lt;script&gt;" in html  # what was typed is shown, not run


def test_text_and_excerpt_have_no_markup():
    source = "# Titre\n\nDans le **back office**, ouvrez *Articles › Ajouter*.\n\n- un\n- deux"
    assert to_text(source) == "Titre Dans le back office, ouvrez Articles › Ajouter. un deux"
    assert excerpt(source, 30) == "Titre Dans le back office…"
    assert excerpt("Court.", 30) == "Court."
