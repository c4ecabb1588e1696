"""Comptoir's own settings for a real ``comptoir worker`` process in a test, with a short
claim lease so a killed consumer's campaign resumes within seconds."""

import os

from comptoir.settings import *  # noqa: F403

COMPTOIR_CAMPAIGN_LEASE = int(os.environ.get("COMPTOIR_CAMPAIGN_LEASE", "300"))
LOGGING = {"version": 1, "disable_existing_loggers": False}
