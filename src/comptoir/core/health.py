"""Health of the parts Comptoir needs: the database, the task queue, and what every page
needs (the static files the base layout links, through the storage that serves them)."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import connection

# The files the base layout links on every page: if one cannot be resolved (no manifest
# after a deployment that skipped collectstatic), every HTML page fails.
PAGE_ASSETS = (
    "comptoir.css",
    "vendor/bootstrap.min.css",
    "vendor/bootstrap.bundle.min.js",
    "vendor/htmx.min.js",
)


def check() -> dict[str, Any]:
    report: dict[str, Any] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        report["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:
        report["database"] = {"ok": False, "error": str(exc)}
    try:
        from huey.contrib.djhuey import HUEY

        pending = HUEY.pending_count()
        report["tasks"] = {"ok": True, "backend": type(HUEY).__name__, "pending": pending}
    except Exception as exc:
        report["tasks"] = {"ok": False, "error": str(exc)}
    try:
        for name in PAGE_ASSETS:
            staticfiles_storage.url(name)
        report["pages"] = {"ok": True, "static": type(staticfiles_storage._wrapped).__name__}
    except Exception as exc:
        report["pages"] = {"ok": False, "error": str(exc)}
    report["ok"] = all(part["ok"] for part in report.values() if isinstance(part, dict))
    return report
