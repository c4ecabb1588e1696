"""Test settings: Comptoir's own settings with an in-process task queue (immediate) and
Django's in-memory mail backend; the real SMTP path is covered by tests that start an SMTP
server. The database comes from DATABASE_URL (SQLite by default, PostgreSQL in the second
run of ``make test``)."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("COMPTOIR_TASKS_IMMEDIATE", "true")
os.environ.setdefault("COMPTOIR_TASKS_URL", "memory://")
os.environ.setdefault("COMPTOIR_VAR_DIR", str(Path(tempfile.gettempdir()) / "comptoir-tests"))
# Never an address recorded by `comptoir run` in the var dir.
os.environ.setdefault("COMPTOIR_BASE_URL", "http://127.0.0.1:8000")

from comptoir.settings import *  # noqa: F403

MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
