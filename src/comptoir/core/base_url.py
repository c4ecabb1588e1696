"""Comptoir's public address, the same in every process.

Every absolute link (mails, feeds, the help button's loader) is built from one setting,
``COMPTOIR_BASE_URL``. The web server, the task consumer and the commands an MTA or cron
start (``comptoir mail ingest``, ``comptoir mail poll``) must agree on it, although only
some of them are started by ``comptoir run``: when the variable is not exported, ``comptoir
run`` writes the address it serves on to ``<COMPTOIR_VAR_DIR>/base-url`` and every other
process reads it there.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

DEFAULT = "http://127.0.0.1:8000"
FILE_NAME = "base-url"


def read(environ: Mapping[str, str], var_dir: Path) -> str:
    """The variable when set, else the address ``comptoir run`` recorded, else the default."""
    configured = environ.get("COMPTOIR_BASE_URL", "").strip()
    if configured:
        return configured.rstrip("/")
    try:
        recorded = (var_dir / FILE_NAME).read_text(encoding="utf-8").strip()
    except OSError:
        recorded = ""
    return recorded.rstrip("/") or DEFAULT


def record(var_dir: Path, url: str) -> None:
    """Keep the address ``comptoir run`` serves on for the processes started elsewhere."""
    var_dir.mkdir(parents=True, exist_ok=True)
    (var_dir / FILE_NAME).write_text(url.rstrip("/") + "\n", encoding="utf-8")
