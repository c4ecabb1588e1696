"""Mail tests: the shared corpus (found or deselected), and its pass-rate table at the end.

The corpus lives beside the repository (``../shared/corpus/email``, or ``$COMPTOIR_CORPUS_DIR``).
In CI (``CI=true``) a missing corpus is a failure; on a developer's machine without it the
corpus tests are deselected and the terminal says why.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.mail.corpus_files import corpus_available, corpus_dir

REPORT_PATH = Path(__file__).resolve().parents[2] / "test-artifacts" / "mail-corpus-report.txt"
_CORPUS_TESTS = "tests/mail/test_corpus.py"
_state: dict[str, str] = {}


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = corpus_dir()
    if corpus_available(root) or _in_ci():
        return
    deselected = [item for item in items if item.nodeid.startswith(_CORPUS_TESTS)]
    if not deselected:
        return
    items[:] = [item for item in items if not item.nodeid.startswith(_CORPUS_TESTS)]
    config.hook.pytest_deselected(items=deselected)
    _state["deselected"] = (
        f"mail corpus not found at {root}: {len(deselected)} corpus test(s) deselected "
        "(set COMPTOIR_CORPUS_DIR, or put shared/ beside the repository; in CI this fails)"
    )


def record_report(text: str) -> None:
    """Keep the corpus table for the end of the session and write it to test-artifacts/."""
    _state["report"] = text
    REPORT_PATH.parent.mkdir(parents=True, exist_ok=True)
    REPORT_PATH.write_text(text + "\n", encoding="utf-8")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if "deselected" in _state:
        terminalreporter.write_sep("-", "mail corpus")
        terminalreporter.write_line(_state["deselected"])
    if "report" in _state:
        terminalreporter.write_sep("-", "mail corpus pass rates")
        for line in _state["report"].splitlines():
            terminalreporter.write_line(line)
        terminalreporter.write_line(f"(saved in {REPORT_PATH})")
