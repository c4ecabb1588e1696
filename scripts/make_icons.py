"""Draw the app's icons (PNG) from the SVG mark, with the Chromium the tests use.

    python scripts/make_icons.py   # then commit src/comptoir/static/icons/*.png

The 192 and 512 px icons are the mark itself (rounded corners); the maskable one puts the
mark on a full square of the theme colour, inside the safe zone (the inner 80 %) that a
phone's launcher may cut to a circle or a squircle.
"""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import sync_playwright

ICONS = Path(__file__).resolve().parents[1] / "src" / "comptoir" / "static" / "icons"
THEME = "#0d6efd"


def page_html(svg: str, size: int, *, maskable: bool) -> str:
    inner = int(size * 0.8) if maskable else size
    return (
        f"<html><body style='margin:0;width:{size}px;height:{size}px;background:{THEME if maskable else 'transparent'};"
        "display:flex;align-items:center;justify-content:center'>"
        f"<div style='width:{inner}px;height:{inner}px'>{svg.replace('<svg ', '<svg width="100%" height="100%" ', 1)}</div>"
        "</body></html>"
    )


def main() -> None:
    svg = (ICONS / "comptoir.svg").read_text()
    wanted = [
        ("comptoir-192.png", 192, False),
        ("comptoir-512.png", 512, False),
        ("comptoir-maskable-512.png", 512, True),
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("COMPTOIR_CHROMIUM", "/usr/bin/chromium"))
        for name, size, maskable in wanted:
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(page_html(svg, size, maskable=maskable))
            page.screenshot(path=str(ICONS / name), omit_background=not maskable)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
