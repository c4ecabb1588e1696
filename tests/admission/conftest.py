"""Held requests: the per-process caches (eligibility rules, the desk's count) start
afresh in each test, and files go to a temporary folder."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_admission_caches():
    from comptoir.accounts import eligibility
    from comptoir.admission import selectors

    eligibility.reset()
    selectors.forget()
    yield
    eligibility.reset()
    selectors.forget()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
