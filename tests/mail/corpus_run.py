"""Run the parser over every corpus message once, and tally the expectation checks.

Raw messages go through ``parse()``; body-only texts through ``extract_reply()``; HTML bodies
through ``extract_html_reply()``; the Outlook ``.msg`` file must raise ``ParseError``. A crash
is any other exception. The checks themselves live in :mod:`tests.mail.corpus_checks`.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from comptoir.mail.parsing import ParsedMail, ParseError, Reply, extract_html_reply, extract_reply, parse
from comptoir.mail.parsing.charsets import decode_bytes
from tests.mail.corpus_files import Sample, french_samples, samples

PARSED = "parsed_without_error"


@dataclass(frozen=True)
class Outcome:
    """One expectation checked: which source, which check, which file, and whether it held."""

    source: str
    check: str
    file: str
    passed: bool
    detail: str = ""


@dataclass
class CorpusRun:
    """Everything the parser produced for the corpus, and the outcomes of the checks."""

    root: Path
    mails: dict[str, ParsedMail] = field(default_factory=dict)
    parse_errors: dict[str, str] = field(default_factory=dict)
    replies: dict[str, Reply] = field(default_factory=dict)
    visible_html: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    crashes: list[str] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    total_seconds: float = 0.0
    message_count: int = 0
    french: set[str] = field(default_factory=set)

    def french_outcomes(self) -> list[Outcome]:
        """Expectation checks on French material (see ``corpus_files.french_samples``)."""
        return [
            outcome
            for outcome in self.outcomes
            if outcome.check != PARSED
            and (f"{outcome.source}/{outcome.file}" in self.french or outcome.file in self.french)
        ]

    def rates(self, check: str | None = None) -> dict[str, tuple[int, int]]:
        """Per source: (passed, total) over the expectation checks (or over one check)."""
        tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for outcome in self.outcomes:
            if (outcome.check == PARSED) != (check == PARSED):
                continue
            tally[outcome.source][0] += outcome.passed
            tally[outcome.source][1] += 1
        return {source: (passed, total) for source, (passed, total) in sorted(tally.items())}

    def check_rates(self) -> dict[tuple[str, str], tuple[int, int]]:
        """Per (source, check): (passed, total)."""
        tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for outcome in self.outcomes:
            tally[(outcome.source, outcome.check)][0] += outcome.passed
            tally[(outcome.source, outcome.check)][1] += 1
        return {key: (passed, total) for key, (passed, total) in sorted(tally.items())}


def read_text(path: Path) -> str:
    """A body-only sample as text (UTF-8, else windows-1252), line endings kept."""
    return decode_bytes(path.read_bytes(), None)[0]


def _run_sample(run: CorpusRun, sample: Sample) -> None:
    path = run.root / sample.path
    started = time.perf_counter()
    try:
        if sample.kind in ("raw-mime", "outlook-msg"):
            try:
                run.mails[sample.path] = parse(path.read_bytes())
            except ParseError as error:
                run.parse_errors[sample.path] = str(error)
        elif sample.kind == "html-body":
            result = extract_html_reply(read_text(path))
            run.replies[sample.path] = result.reply
            run.visible_html[sample.path] = result.visible_html
        else:
            run.replies[sample.path] = extract_reply(read_text(path))
    except Exception as error:
        run.crashes.append(f"{sample.path} ({sample.kind}): {type(error).__name__}: {error}")
    run.seconds[sample.path] = time.perf_counter() - started


@cache
def run_corpus(root: Path) -> CorpusRun:
    """Parse the whole corpus once per test session and evaluate every expectation."""
    from tests.mail.corpus_checks import evaluate

    run = CorpusRun(root=root, french=french_samples(root))
    started = time.perf_counter()
    all_samples = samples(root)
    run.message_count = len(all_samples)
    for sample in all_samples:
        _run_sample(run, sample)
    for sample in all_samples:
        crashed = any(line.startswith(f"{sample.path} (") for line in run.crashes)
        expected_error = sample.kind == "outlook-msg"
        ok = not crashed and (expected_error or sample.path not in run.parse_errors)
        detail = run.parse_errors.get(sample.path, "")
        run.outcomes.append(Outcome(sample.source, PARSED, sample.path, ok, detail))
    run.outcomes.extend(evaluate(run))
    run.total_seconds = time.perf_counter() - started
    return run


def report_table(run: CorpusRun) -> str:
    """The pass-rate table printed at the end of the session and saved in test-artifacts/."""
    expectation_outcomes = [outcome for outcome in run.outcomes if outcome.check != PARSED]
    lines = [
        f"Mail corpus: {run.message_count} messages from {run.root} in {run.total_seconds:.1f} s; "
        f"{len(run.crashes)} crash(es); {len(expectation_outcomes)} expectation checks",
        "",
        f"{'source':<32} {'parsed':>9} {'passed':>7} {'checks':>7} {'rate':>7}",
    ]
    parsed = run.rates(PARSED)
    for source, (passed, total) in run.rates().items():
        ok, count = parsed.get(source, (0, 0))
        lines.append(f"{source:<32} {ok:>4}/{count:<4} {passed:>7} {total:>7} {passed / total:>7.1%}")
    passed = sum(outcome.passed for outcome in expectation_outcomes)
    total = max(1, len(expectation_outcomes))
    lines.append(f"{'all sources':<32} {'':>9} {passed:>7} {total:>7} {passed / total:>7.1%}")
    french = run.french_outcomes()
    french_passed = sum(outcome.passed for outcome in french)
    lines.append(
        f"{'French material':<32} {len(run.french):>4} msgs {french_passed:>7} {len(french):>7} "
        f"{french_passed / max(1, len(french)):>7.1%}"
    )
    lines += ["", f"{'source / check':<72} {'passed':>7} {'checks':>7} {'rate':>7}"]
    for (source, check), (ok, count) in run.check_rates().items():
        label = f"{source} / {check}"
        lines.append(f"{label:<72} {ok:>7} {count:>7} {ok / count:>7.1%}")
    if run.crashes:
        lines += ["", "Crashes:"] + [f"  {crash}" for crash in run.crashes]
    return "\n".join(lines)


def failures(run: CorpusRun, source: str | None = None) -> list[Outcome]:
    """The checks that did not hold (for a source, or all)."""
    return [outcome for outcome in run.outcomes if not outcome.passed and source in (None, outcome.source)]
