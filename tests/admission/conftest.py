"""Files kept with held requests go to a temporary folder."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
