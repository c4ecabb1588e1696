"""The shared e-mail corpus for the mail-flow tests: where it is, what to do when it is not
there, and the per-source summary printed at the end of the run.

The corpus lives beside the repository (``../shared/corpus/email``, as in CI's fresh
clone) or where ``$COMPTOIR_CORPUS_DIR`` says. Without it, tests that use the ``corpus_dir``
fixture fail when ``CI=true`` and are deselected with a warning otherwise.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

# tests/mailflow/conftest.py -> parents[2] is the repository, parents[3] the folder beside it.
DEFAULT_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "email"
ARTIFACT = Path(__file__).resolve().parents[2] / "test-artifacts" / "mail-corpus-ingest.txt"
CORPUS_SUMMARY = pytest.StashKey[list[str]]()


def locate_corpus() -> Path:
    configured = os.environ.get("COMPTOIR_CORPUS_DIR")
    return Path(configured) if configured else DEFAULT_CORPUS


def corpus_missing(root: Path) -> bool:
    return not (root / "INDEX.tsv").is_file()


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = locate_corpus()
    if not corpus_missing(root) or in_ci():
        return  # present, or CI: the fixture fails loudly
    dropped = [item for item in items if "corpus_dir" in getattr(item, "fixturenames", ())]
    if not dropped:
        return
    warnings.warn(
        pytest.PytestWarning(
            f"e-mail corpus not found at {root} (set COMPTOIR_CORPUS_DIR): "
            f"{len(dropped)} corpus test(s) deselected"
        ),
        stacklevel=1,
    )
    config.hook.pytest_deselected(items=dropped)
    items[:] = [item for item in items if item not in dropped]


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    root = locate_corpus()
    if corpus_missing(root):
        pytest.fail(
            f"CI=true and the e-mail corpus is missing: no {root / 'INDEX.tsv'} (COMPTOIR_CORPUS_DIR)"
        )
    return root


@pytest.fixture
def corpus_summary(request: pytest.FixtureRequest) -> list[str]:
    """Lines a test wants shown after the run (and kept in test-artifacts/)."""
    return request.config.stash.setdefault(CORPUS_SUMMARY, [])


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # type: ignore[no-untyped-def]
    lines = config.stash.get(CORPUS_SUMMARY, None)
    if not lines:
        return
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    terminalreporter.section("e-mail corpus through receive()")
    for line in lines:
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"(also in {ARTIFACT.relative_to(ARTIFACT.parents[1])})")
