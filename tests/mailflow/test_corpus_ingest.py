"""Every message of the shared e-mail corpus goes through the real pipeline, and none is
lost: it becomes a ticket or a reply, or it is ignored or quarantined with the reason, its
raw bytes kept exactly; a re-delivered mail makes nothing twice.

The corpus (``../shared/corpus/email``, see tests/mailflow/conftest.py) holds about 1,200
files from public test suites: complete MIME messages (bounces, auto-replies, mails in
every charset and client), body-only reply texts, HTML bodies and one Outlook ``.msg``.
They are fed to ``receive()`` in the order of INDEX.tsv, in autocommit as an MTA pipe would
(each mail stored in its own transaction, then processed), into a mailbox that creates a
requester for unknown senders. A per-source summary is printed after the run.

Test suites reuse Message-IDs: about 230 files carry the Message-ID of an earlier file. A
mail is identified by its own bytes (``comptoir.mail.inbound.identity``), so those that
differ — many of them the nastiest samples (enmime's low-quality mails: broken boundaries,
bad base64, unknown charsets) — are each stored, handled and flagged as reusing a
Message-ID; only true copies are duplicates.
"""

from __future__ import annotations

import logging
import re
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import compat32
from functools import cached_property
from pathlib import Path

import pytest

from comptoir.mail.inbound import identity
from comptoir.mail.inbound.pipeline import Outcome, receive
from comptoir.mail.models import InboundMail, Mailbox

# Files INDEX.tsv does not list but that are messages too: HTML bodies of replies.
HTML_BODIES = ("talon/*.html", "talon/html_replies/*.html", "zammad/email_signature_detection/*.html")
TICKET_OUTCOMES = {"new_ticket", "reply", "follow_up"}
KEPT_WITH_REASON = {InboundMail.State.IGNORED, InboundMail.State.QUARANTINED}


@dataclass(frozen=True)
class Sample:
    path: str
    kind: str  # raw-mime, body-text, outlook-msg, html-body
    raw: bytes

    @property
    def source(self) -> str:
        return self.path.split("/", 1)[0]

    @cached_property
    def identity(self) -> str:
        """What makes two deliveries the same mail: the mail's own bytes."""
        return identity.key(self.raw, 0)

    @cached_property
    def message_id(self) -> str:
        headers = BytesHeaderParser(policy=compat32).parsebytes(self.raw)
        return str(headers.get("Message-ID", "") or "").strip().strip("<>")


def corpus_samples(root: Path) -> list[Sample]:
    """The rows of INDEX.tsv (every kind), then the HTML bodies it does not list."""
    paths = []
    for line in (root / "INDEX.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(("#", "path\t")):
            path, kind = line.split("\t")[:2]
            paths.append((path, kind))
    for pattern in HTML_BODIES:
        paths.extend((p.relative_to(root).as_posix(), "html-body") for p in sorted(root.glob(pattern)))
    return [Sample(path, kind, (root / path).read_bytes()) for path, kind in paths]


@dataclass
class Delivery:
    sample: Sample
    first: Delivery | None = None  # the earlier file with the same identity, if any
    outcome: Outcome | None = None
    crash: str = ""
    seconds: float = 0.0


def deliver(delivery: Delivery, mailbox: Mailbox) -> None:
    started = time.perf_counter()
    try:
        delivery.outcome = receive(delivery.sample.raw, source=InboundMail.Source.PIPE, mailbox=mailbox)
    except Exception:
        delivery.crash = traceback.format_exc()
    delivery.seconds = time.perf_counter() - started


def problems_with(deliveries: list[Delivery]) -> list[str]:
    """What went wrong, one line per file: an exception out of receive(), a mail neither
    made into a ticket or reply nor kept with a reason, raw bytes not kept exactly, a
    re-delivery not recognised."""
    stored = InboundMail.objects.in_bulk([d.outcome.inbound_id for d in deliveries if d.outcome])
    problems = []
    for d in deliveries:
        name, outcome = d.sample.path, d.outcome
        if outcome is None:
            problems.append(f"{name}: an exception escaped receive():\n{d.crash}")
            continue
        if d.first is not None:
            if outcome.status != "duplicate" or d.first.outcome is None:
                problems.append(f"{name}: same identity as {d.first.sample.path}, yet {outcome.status}")
            elif outcome.inbound_id != d.first.outcome.inbound_id:
                problems.append(f"{name}: duplicate of {d.first.sample.path} points at another mail")
            continue
        mail = stored.get(outcome.inbound_id)  # type: ignore[arg-type]
        if mail is None:
            problems.append(f"{name}: {outcome.status}, but no stored mail #{outcome.inbound_id}")
            continue
        if bytes(mail.raw) != d.sample.raw or mail.size != len(d.sample.raw):
            problems.append(f"{name}: the stored raw bytes differ from the file")
        if outcome.status in TICKET_OUTCOMES:
            if mail.state != InboundMail.State.PROCESSED or mail.ticket_id is None:
                problems.append(f"{name}: {outcome.status}, stored {mail.state} with ticket {mail.ticket_id}")
        elif outcome.status in KEPT_WITH_REASON:
            if mail.state != outcome.status or not mail.reason.strip():
                problems.append(f"{name}: {outcome.status}, stored {mail.state} with reason {mail.reason!r}")
        else:
            problems.append(f"{name}: unexpected outcome {outcome.status} ({outcome.reason})")
    return problems


def report(problems: list[str], total: int) -> str:
    return f"{len(problems)} of {total} corpus mails went wrong:\n" + "\n".join(problems)


@pytest.fixture
def mailbox(desk):
    return Mailbox.objects.create(
        name="Support",
        address="support@paroisse.example",
        product=desk.product,
        unknown_senders=Mailbox.UnknownSenders.CREATE,
    )


@pytest.fixture
def pipeline_tracebacks(caplog):
    """Tracebacks the pipeline logged when it quarantined a mail on an unexpected error."""
    caplog.set_level(logging.ERROR, logger="comptoir.mail.inbound.pipeline")

    def collected() -> dict[int, str]:
        return {r.inbound_id: r.exc_text or "" for r in caplog.records if hasattr(r, "inbound_id")}

    return collected


# Autocommit, as in production: each mail is stored in its own transaction, then processed;
# a failed statement cannot poison the mails that follow, as it would inside a test atomic.
@pytest.mark.django_db(transaction=True)
def test_every_corpus_mail_becomes_a_ticket_a_reply_or_a_kept_mail_with_its_reason(
    corpus_dir, mailbox, pipeline_tracebacks, corpus_summary
):
    samples = corpus_samples(corpus_dir)
    assert len(samples) > 1000, f"the corpus at {corpus_dir} looks incomplete"
    deliveries: list[Delivery] = []
    seen: dict[str, Delivery] = {}
    started = time.perf_counter()
    for sample in samples:
        delivery = Delivery(sample, first=seen.get(sample.identity))
        seen.setdefault(sample.identity, delivery)
        deliveries.append(delivery)
        deliver(delivery, mailbox)
    elapsed = time.perf_counter() - started
    corpus_summary.extend(
        summary("Every file, in INDEX.tsv order", deliveries, elapsed, pipeline_tracebacks())
    )

    problems = problems_with(deliveries)
    assert not problems, report(problems, len(deliveries))
    distinct = [d for d in deliveries if d.first is None]
    duplicates = [d.sample.path for d in deliveries if d.first is not None]
    assert [d.sample.path for d in deliveries if d.outcome.status == "duplicate"] == duplicates  # type: ignore[union-attr]
    assert InboundMail.objects.count() == len(distinct), "one stored mail per distinct message"
    message_ids: set[str] = set()
    reusing = []
    for d in distinct:
        if d.sample.message_id and d.sample.message_id[:240] in message_ids:
            reusing.append(d.outcome.inbound_id)  # type: ignore[union-attr]
        message_ids.add(d.sample.message_id[:240])
    assert len(reusing) > 100, "the corpus has files that reuse a Message-ID with other content"
    flagged = set(InboundMail.objects.filter(message_id_reused=True).values_list("pk", flat=True))
    assert flagged == set(reusing)
    assert not InboundMail.objects.exclude(state__in=["processed", "ignored", "quarantined"]).exists()


# -- the summary ------------------------------------------------------------------------


def summary(title: str, deliveries: list[Delivery], elapsed: float, tracebacks: dict[int, str]) -> list[str]:
    """Per source: what the files became (processed = new tickets and follow-ups + replies)."""
    columns = ("files", "processed", "new", "reply", "ignored", "quarantined", "duplicate", "crashed")
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    seconds: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    unexpected: list[str] = []
    for d in deliveries:
        row = tally[d.sample.source]
        row["files"] += 1
        seconds[d.sample.source] += d.seconds
        status = d.outcome.status if d.outcome else "crashed"
        if status in TICKET_OUTCOMES:
            row["processed"] += 1
            row["reply" if status == "reply" else "new"] += 1
        else:
            row[status] += 1
        if d.outcome and status in KEPT_WITH_REASON:
            if d.outcome.inbound_id in tracebacks:  # logged: an exception inside the pipeline
                trace = tracebacks[d.outcome.inbound_id]
                unexpected.append(f"  {d.sample.path}: {d.outcome.reason}\n{indent(trace)}")
            reasons[f"{status}: {reason_kind(d.outcome.reason)}"] += 1
    width = max(len(s) for s in tally) + 2
    head = f"{'source':<{width}}" + "".join(f"{c:>12}" for c in columns) + f"{'ms/mail':>9}"
    lines = [
        "",
        f"{title}: {len(deliveries)} files in {elapsed:.1f} s ({len(deliveries) / elapsed:.0f} mails/s)",
        head,
    ]
    total: Counter[str] = Counter()
    for source in [*sorted(tally), "total"]:
        row = total if source == "total" else tally[source]
        spent = sum(seconds.values()) if source == "total" else seconds[source]
        lines.append(
            f"{source:<{width}}"
            + "".join(f"{row[c]:>12}" for c in columns)
            + f"{spent / row['files'] * 1e3:>9.1f}"
        )
        if source != "total":
            total.update(row)
    lines.append("Reasons (kinds, addresses and details left out):")
    lines.extend(f"  {count:5}  {reason}" for reason, count in reasons.most_common())
    if unexpected:
        lines.append(f"Quarantined on an unexpected error inside the pipeline ({len(unexpected)}):")
        lines.extend(unexpected)
    crashes = [d for d in deliveries if d.crash]
    if crashes:
        lines.append(f"Exceptions that escaped receive() ({len(crashes)}):")
        lines.extend(f"  {d.sample.path}:\n{indent(d.crash)}" for d in crashes)
    return lines


def reason_kind(reason: str) -> str:
    """'Ignored (bounce): sent by mailer-daemon@x.example' -> 'Ignored (bounce): sent by mailer-daemon'."""
    label, _, why = reason.partition(": ")
    if not why:
        return reason[:100]
    return f"{label}: {re.split(r'[:@;(<]', why, maxsplit=1)[0].strip()}"[:100]


def indent(text: str) -> str:
    return "\n".join(f"      {line}" for line in text.strip().splitlines())
