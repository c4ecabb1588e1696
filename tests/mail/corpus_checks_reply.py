"""Expectations of the reply-parser corpora, read as "what the help desk keeps".

The upstream libraries split a body into fragments (visible, quoted, signature, hidden); we
keep one visible reply and put the rest in ``signature``/``quoted``. So a visible fragment's
text must be in ``visible_text`` (equal to it when it is the only visible fragment) and a
hidden fragment's text must be in what was removed. Fragment counts and flags describe the
upstream model and are not checked. A fragment whose hidden flag is not given is taken as
visible when it is the first, hidden otherwise.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from comptoir.mail.parsing import Reply, extract_reply
from tests.mail.corpus_files import Expectation, expectations
from tests.mail.corpus_run import CorpusRun, Outcome, read_text

_NOT_APPLICABLE = {
    "fragment_count",
    "fragment_count_at_least",
    "fragments_quoted",
    "fragments_signature",
    "fragments_hidden",
    "fragments_keep_input_encoding",
    "visible_text_is_join_of_non_hidden_fragments",
    "visible_reply_equals_visible_text",
    "reply_count",
    "latest_reply_line_count",
}
_FRAGMENT = re.compile(
    r"^fragment\[(\d+)\][._](equals|trimmed_equals|contains|not_contains|matches|trimmed_matches|content_equals)$"
)


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _same(left: str, right: str) -> bool:
    """Equal once line endings and trailing spaces are unified (upstreams strip lines, we keep them)."""

    def normal(text: str) -> str:
        return "\n".join(line.rstrip() for line in _lines(text).split("\n")).strip()

    return normal(left) == normal(right)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", _lines(text)).strip()


def removed(reply: Reply) -> str:
    """What the help desk does not show: the signature and the quoted history."""
    return "\n".join(part for part in (reply.signature, reply.quoted) if part)


def _hidden_flags(rows: list[Expectation]) -> list[bool] | None:
    for row in rows:
        if row.check == "fragments_hidden":
            return [flag.strip() == "true" for flag in row.expected.split(",")]
    return None


def _fragment_outcome(
    reply: Reply, number: int, operation: str, expected: str, hidden: list[bool] | None
) -> bool:
    is_hidden = hidden[number] if hidden is not None and number < len(hidden) else number > 0
    target = _lines(removed(reply) if is_hidden else reply.visible)
    expected = _lines(expected)
    only_visible = (hidden is not None and hidden.count(False) == 1) or (hidden is None and number == 0)
    if operation in ("equals", "trimmed_equals", "content_equals"):
        if not is_hidden and only_visible:
            return _same(target, expected)
        return _squash(expected) in _squash(target)
    if operation == "contains":
        return expected in target
    if operation == "not_contains":
        return expected not in target
    # Ruby and JavaScript patterns: "^" anchors at every line start.
    pattern = re.compile(expected, re.MULTILINE)
    return pattern.search(target.strip() if operation == "trimmed_matches" else target) is not None


def _fragment_row(run: CorpusRun, source: str, row: Expectation, hidden: list[bool] | None) -> Outcome | None:
    path = f"{source}/{row.file}"
    check = row.check
    if check in _NOT_APPLICABLE:
        return None
    reply = run.replies.get(path)
    if check.startswith("template["):
        return _template_row(run, source, row, hidden)
    if check.startswith("variant_replace("):
        old, new = re.findall(r'"([^"]*)"', check)[:2]
        variant = extract_reply(read_text(run.root / path).replace(old, new))
        found = _FRAGMENT.match(check.split(").", 1)[1])
        assert found is not None, check
        ok = _fragment_outcome(variant, int(found.group(1)), found.group(2), row.expected, hidden)
        return Outcome(source, "variant." + found.group(2), row.file, ok)
    if check == "max_parse_seconds":
        return Outcome(source, check, row.file, run.seconds.get(path, 99.0) < float(row.expected))
    if reply is None:
        return Outcome(source, check, row.file, False, "no reply (crash?)")
    if check in ("visible_reply_equals", "visible_reply_trimmed_equals"):
        return Outcome(
            source, "visible_reply_equals", row.file, _same(reply.visible, row.expected), reply.visible
        )
    if check == "visible_reply_contains":
        return Outcome(source, check, row.file, row.expected in reply.visible, reply.visible)
    if check == "visible_reply_not_contains":
        return Outcome(source, check, row.file, row.expected not in reply.visible, reply.visible)
    if check == "quoted_text_contains":
        return Outcome(source, check, row.file, row.expected in reply.quoted)
    if check == "some_fragment_is_signature":
        return Outcome(source, check, row.file, bool(reply.signature))
    found = _FRAGMENT.match(check)
    if found is None:
        return Outcome(source, "unsupported:" + check, row.file, False)
    number, operation = int(found.group(1)), found.group(2)
    ok = _fragment_outcome(reply, number, operation, row.expected, hidden)
    return Outcome(source, "fragment." + operation, row.file, ok, reply.visible)


def _template_row(run: CorpusRun, source: str, row: Expectation, hidden: list[bool] | None) -> Outcome:
    placeholder_and_value, target = row.check.split(" -> ", 1)
    placeholder = placeholder_and_value[
        placeholder_and_value.index("[") : placeholder_and_value.index("]") + 1
    ]
    value = placeholder_and_value.split("=", 1)[1]
    text = read_text(run.root / source / row.file).replace(placeholder, value)
    reply = extract_reply(text)
    if target == "visible_reply_equals":
        return Outcome(
            source, "template.visible_reply_equals", row.file, _same(reply.visible, row.expected), value
        )
    found = _FRAGMENT.match(target)
    assert found is not None, target
    ok = _fragment_outcome(reply, int(found.group(1)), found.group(2), row.expected, hidden)
    return Outcome(source, "template.fragment", row.file, ok, value)


def fragment_sources(run: CorpusRun, source: str) -> Iterator[Outcome]:
    """github, zapier, willdurand and crisp: the fragment model read as visible/removed."""
    by_file: dict[str, list[Expectation]] = defaultdict(list)
    for row in expectations(run.root, source):
        by_file[row.file].append(row)
    for rows in by_file.values():
        hidden = _hidden_flags(rows)
        for row in rows:
            outcome = _fragment_row(run, source, row, hidden)
            if outcome is not None:
                yield outcome


_REPLY_ROW = re.compile(r"^reply\[(\d+)\]\.(\w+)$")


def mail_parser_reply(run: CorpusRun) -> Iterator[Outcome]:
    """mail-parser-reply: reply[0] is our visible text (+ signature); older replies are the quoted history."""
    source = "mail-parser-reply"
    for row in expectations(run.root, source):
        if row.check in _NOT_APPLICABLE or "only with option" in row.note:
            continue
        reply = run.replies.get(f"{source}/{row.file}")
        found = _REPLY_ROW.match(row.check)
        if reply is None or found is None:
            yield Outcome(source, row.check, row.file, False, "no reply or unknown check")
            continue
        number, field = int(found.group(1)), found.group(2)
        expected = row.expected
        if number > 0:
            if field.endswith("_not_contains"):
                continue  # about the upstream reply's own body; our quoted history keeps its headers
            yield Outcome(
                source, "older_reply_in_quoted", row.file, _squash(expected) in _squash(reply.quoted)
            )
            continue
        ok = _latest_reply_check(reply, field, expected)
        if ok is None:
            yield Outcome(source, "unsupported:" + field, row.file, False)
            continue
        yield Outcome(source, "reply[0]." + field, row.file, ok, reply.visible)


def _latest_reply_check(reply: Reply, field: str, expected: str) -> bool | None:
    """mail-parser-reply's ``replies[0]``: body = our visible text, signatures = our signature."""
    if field == "body_equals":
        return _same(reply.visible, expected)
    if field == "body_contains":
        return expected in reply.visible
    if field == "body_not_contains":
        return expected not in reply.visible
    if field == "content_contains":
        return expected in reply.visible + "\n" + reply.signature
    if field == "signatures_contains":
        return expected in reply.signature
    if field == "signatures_equals":
        return _same(reply.signature, expected)
    if field == "signatures_starts_with":
        return reply.signature.startswith(expected)
    if field == "signatures_not_contains":
        return expected not in reply.signature
    return None


def discourse(run: CorpusRun) -> Iterator[Outcome]:
    """Discourse: trimmed/ is the visible reply, elided/ what was cut, embedded/ the forwarded mail."""
    source = "discourse-email_reply_trimmer"
    root = run.root / source
    for row in expectations(run.root, source):
        reply = run.replies.get(f"{source}/{row.file}")
        if row.check == "max_scan_seconds":
            ok = run.seconds.get(f"{source}/{row.file}", 99.0) < float(row.expected)
            yield Outcome(source, row.check, row.file, ok)
            continue
        if reply is None:
            yield Outcome(source, row.check, row.file, False, "no reply")
            continue
        expected = read_text(root / row.expected)
        if row.check == "visible_reply_equals_file":
            yield Outcome(
                source, "visible_reply_equals", row.file, _same(reply.visible, expected), reply.visible
            )
        elif row.check == "elided_equals_file":
            cut = {
                _squash(reply.signature + "\n" + reply.quoted),
                _squash(reply.quoted + "\n" + reply.signature),
            }
            yield Outcome(source, "elided_equals", row.file, _squash(expected) in cut)
        elif row.check == "text_before_embedded_equals_file":
            before = _squash(reply.visible + "\n" + reply.signature)
            yield Outcome(source, "text_before_embedded", row.file, before == _squash(expected))
        elif row.check == "embedded_email_equals_file":
            unquoted = re.sub(r"(?m)^[ \t]*>[ \t]?", "", reply.quoted)
            yield Outcome(source, "embedded_in_quoted", row.file, _squash(expected) in _squash(unquoted))


def talon(run: CorpusRun) -> Iterator[Outcome]:
    """talon: standard replies (text/plain of real client mails), HTML replies, signatures."""
    source = "talon"
    root = run.root / source
    for row in expectations(run.root, source):
        path = f"{source}/{row.file}"
        if row.check in ("visible_reply_equals", "visible_reply_equals_file"):
            mail = run.mails.get(path)
            expected = read_text(root / row.expected) if row.check.endswith("_file") else row.expected
            visible = mail.visible_text if mail else ""
            yield Outcome(source, "visible_reply_equals", row.file, _same(visible, expected), visible)
        elif row.check == "visible_reply_text_equals_ignoring_whitespace":
            reply = run.replies.get(path)
            visible = reply.visible if reply else ""
            ok = re.sub(r"\s", "", visible) == re.sub(r"\s", "", row.expected)
            yield Outcome(source, "html_visible_text", row.file, ok, visible)
        elif row.check == "visible_reply_html_equals_ignoring_whitespace":
            html = run.visible_html.get(path, "")
            yield Outcome(
                source, "html_visible_html", row.file, _bare_html(html) == _bare_html(row.expected), html
            )
        elif row.check == "signature_equals_file":
            sender = read_text(root / row.file.replace("_body", "_sender")).strip()
            reply = extract_reply(read_text(root / row.file), sender_name=sender)
            expected = read_text(root / row.expected)
            yield Outcome(
                source, "signature_equals", row.file, _same(reply.signature, expected), reply.signature
            )
        elif row.check == "visible_reply_not_empty":
            mail = run.mails.get(path)
            yield Outcome(source, row.check, row.file, bool(mail and mail.visible_text.strip()))
        elif row.check == "visible_reply_not_contains":
            mail = run.mails.get(path)
            yield Outcome(source, row.check, row.file, bool(mail) and row.expected not in mail.visible_text)
        elif row.check == "signature_extraction_no_error":
            text = read_text(root / row.file)
            yield Outcome(source, row.check, row.file, isinstance(extract_reply(text).signature, str))


def _bare_html(html: str) -> str:
    """HTML without document tags, attributes of no interest, and whitespace, for comparison."""
    html = re.sub(r"</?(?:html|head|body)\b[^>]*>", "", html, flags=re.IGNORECASE)
    html = re.sub(r"<(\w+)\s[^>]*>", r"<\1>", html)
    return re.sub(r"\s", "", html)
