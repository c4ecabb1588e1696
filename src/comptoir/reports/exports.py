"""A report table as CSV or XLSX: the group's label, then one column per figure, with
the figures' values (hours as decimal numbers, percentages as numbers)."""

from __future__ import annotations

import csv
import io

import xlsxwriter

from comptoir.reports.measures import Table

CSV = "csv"
XLSX = "xlsx"
FORMATS = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def header(table: Table) -> list[str]:
    return [table.group_label, *(c.label for c in table.columns)]


def lines(table: Table) -> list[list[object]]:
    return [[row.label, *(cell.value for cell in row.cells)] for row in table.rows]


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the accents right."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if _french_decimals() else ",")
    writer.writerow([cell(title) for title in header(table)])
    for line in lines(table):
        writer.writerow(
            ["" if v is None else _number(v) if isinstance(v, int | float) else cell(v) for v in line]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# OWASP's rule against formula injection: a text that a spreadsheet would read as a formula
# (a requester named "=HYPERLINK(…)") is kept as text, behind an apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A text cell of a CSV file, never read as a formula."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_xlsx(table: Table) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet(table.title[:31])
    bold = book.add_format({"bold": True})
    for col, title in enumerate(header(table)):
        sheet.write_string(0, col, title, bold)
    for r, line in enumerate(lines(table), start=1):
        for col, value in enumerate(line):
            if value is None:
                continue
            if isinstance(value, int | float):
                sheet.write_number(r, col, value)
            else:
                sheet.write_string(r, col, str(value))
    sheet.set_column(0, 0, 28)
    book.close()
    return out.getvalue()


def _french_decimals() -> bool:
    from django.utils import translation

    return (translation.get_language() or "").startswith("fr")


def _number(value: object) -> str:
    if isinstance(value, float):
        text = str(value)
        return text.replace(".", ",") if _french_decimals() else text
    return str(value)
