"""Health of the parts Comptoir needs: the database and the task queue."""

from __future__ import annotations

from typing import Any

from django.db import connection


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
    report["ok"] = all(part["ok"] for part in report.values() if isinstance(part, dict))
    return report
