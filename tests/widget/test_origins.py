"""The sites allowed to show the help button, written by an administrator one per line and
compared with what browsers send (scheme://host[:port]). Pure."""

from __future__ import annotations

import pytest

from comptoir.widget import origins


@pytest.mark.parametrize(
    ("written", "origin"),
    [
        ("https://www.paroisse-exemple.fr", "https://www.paroisse-exemple.fr"),
        ("  HTTPS://WWW.Paroisse-Exemple.fr/ ", "https://www.paroisse-exemple.fr"),
        ("https://www.paroisse-exemple.fr:443", "https://www.paroisse-exemple.fr"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("https://église-exemple.fr", "https://xn--glise-exemple-9gb.fr"),
        ("http://[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_origins_are_written_as_browsers_write_them(written: str, origin: str) -> None:
    assert origins.normalise(written) == origin


@pytest.mark.parametrize(
    "written",
    [
        "www.paroisse-exemple.fr",
        "https://www.paroisse-exemple.fr/wp-admin/",
        "https://*.paroisse-exemple.fr",
        "ftp://paroisse-exemple.fr",
        "https://user:pass@paroisse-exemple.fr",
        "https://paroisse-exemple.fr?x=1",
        "https://paroisse exemple.fr",
        "https://paroisse-exemple.fr; script-src *",
        "*",
        "null",
    ],
)
def test_anything_else_is_not_an_origin(written: str) -> None:
    assert origins.normalise(written) is None


def test_a_list_keeps_each_origin_once_and_reports_the_lines_that_are_not() -> None:
    found, invalid = origins.parse(
        "https://www.paroisse-exemple.fr\n\nhttps://www.paroisse-exemple.fr/\nhttp://localhost:8000\n"
        "https://www.paroisse-exemple.fr/contact\n"
    )
    assert found == ["https://www.paroisse-exemple.fr", "http://localhost:8000"]
    assert invalid == ["https://www.paroisse-exemple.fr/contact"]


def test_the_origin_of_a_page_address() -> None:
    assert origins.of_url("https://www.paroisse-exemple.fr/wp-admin/post.php?post=3") == (
        "https://www.paroisse-exemple.fr"
    )
    assert origins.of_url("javascript:alert(1)") is None
