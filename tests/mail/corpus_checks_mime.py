"""Expectations of the MIME corpora (headers, bodies, attachments, bounces, automatic replies).

Each upstream models a mail its own way; a check is kept only where its meaning matches
``ParsedMail`` (a subject, an address, a file name, a body text, "is a bounce"). Checks about
the upstream's own storage (RT's attachment records, DSN field tables, Received hops) are left
out. The sisimai and osTicket tables decide the classification rates.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import datetime

from comptoir.mail.parsing import ParsedMail, parse
from comptoir.mail.parsing.html_text import html_to_text
from tests.mail.corpus_files import (
    expectations,
    osticket_headers,
    sisimai_kinds,
    zammad_yaml_field,
    zammad_yaml_filenames,
)
from tests.mail.corpus_run import CorpusRun, Outcome


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _filenames(mail: ParsedMail) -> list[str]:
    return [unicodedata.normalize("NFC", attachment.filename) for attachment in mail.attachments]


# Names Zammad makes up for parts that have none (its own conventions, not the sender's).
_ZAMMAD_INVENTED = re.compile(
    r"^(?:message\.html|file|document\d*\.html|Delivery report\.txt|delivery-status\.txt|video\d*\.mov|"
    r"image\.(?:jpg|gif|png)|\d+\.\d+\.\d+|Screen Shot .* at 091\.00\.38\.png)$"
)


def _zammad_address(value: str) -> str | None:
    """Zammad's from_email without its quirks (quotes, a trailing dot); None when it is no address."""
    cleaned = value.strip().strip("\"'").rstrip(".>").strip('"').lower()
    return cleaned if "@" in cleaned and " " not in cleaned else None


def _python_defects(mail: ParsedMail) -> list[str]:
    return [defect for defect in mail.defects if defect.endswith("Defect")]


def sisimai(run: CorpusRun) -> Iterator[Outcome]:
    """Bounces must be bounces; RFC 3834 vacation replies automatic replies (not bounces);
    abuse reports automatic; ordinary mails not bounces."""
    source = "sisimai-set-of-emails"
    for file, kind in sisimai_kinds(run.root).items():
        mail = run.mails.get(f"{source}/{file}")
        if mail is None:
            yield Outcome(source, f"{kind}", file, False, "not parsed")
            continue
        c = mail.classification
        if kind == "bounce":
            yield Outcome(source, "bounce.is_bounce", file, c.is_bounce, c.reason)
        elif kind == "auto-reply":
            yield Outcome(source, "auto-reply.is_auto_reply", file, c.is_auto_reply, c.reason)
            yield Outcome(source, "auto-reply.not_bounce", file, not c.is_bounce, c.reason)
        elif kind == "feedback-report":
            yield Outcome(
                source, "feedback-report.is_automatic", file, c.is_auto_reply or c.is_bounce, c.reason
            )
        else:
            yield Outcome(source, "not-bounce.not_bounce", file, not c.is_bounce, c.reason)


def osticket(run: CorpusRun) -> Iterator[Outcome]:
    """osTicket's header table: one header line makes a mail a bounce or an automatic reply."""
    source = "osticket"
    for header, expected in osticket_headers(run.root):
        name = header.split(":", 1)[0].lower()
        lines = {
            "from": "From: Marie Dupont <marie.dupont@example.fr>",
            "subject": "Subject: Imprimante en panne",
            "to": "To: support@example.com",
        }
        lines[name] = header
        raw = ("\r\n".join(lines.values()) + "\r\n\r\nBonjour,\r\nle document.\r\n").encode("utf-8")
        mail = parse(raw)
        c = mail.classification
        ok = c.is_bounce if expected == "bounce" else c.is_auto_reply
        yield Outcome(source, f"header_classification.{expected}", header, ok, c.reason)
    for row in expectations(run.root, source):
        mail = run.mails.get(f"{source}/{row.file}")
        if row.check == "body_decoded" and mail is not None:
            yield Outcome(source, row.check, row.file, mail.text.strip() == row.expected)


def zammad(run: CorpusRun) -> Iterator[Outcome]:
    """Zammad: the .yml parser output (subject, sender, attachment names) and the spec rows."""
    source = "zammad"
    for yml in sorted((run.root / source / "mail").glob("*.yml")):
        path = f"{source}/mail/{yml.stem}.box"
        mail = run.mails.get(path)
        if mail is None:
            continue
        data = yml.read_text(encoding="utf-8")
        subject = zammad_yaml_field(data, "subject")
        if subject is not None:
            yield Outcome(
                source, "yml.subject", yml.name, _squash(mail.subject) == _squash(subject), mail.subject
            )
        sender = zammad_yaml_field(data, "from_email")
        if sender:
            expected = _zammad_address(sender)
            yield Outcome(
                source, "yml.from_email", yml.name, mail.from_address == expected, str(mail.from_address)
            )
        for name in zammad_yaml_filenames(data):
            if _ZAMMAD_INVENTED.match(name):
                continue
            ok = unicodedata.normalize("NFC", name) in _filenames(mail)
            yield Outcome(source, "yml.attachment_filename", yml.name, ok, repr(_filenames(mail)))
    for row in expectations(run.root, source):
        mail = run.mails.get(f"{source}/{row.file}")
        if mail is None:
            continue
        check, expected = row.check, row.expected
        ok: bool | None = None
        if check == "is_bounce":
            ok = mail.classification.is_bounce == (expected == "true")
        elif check == "x-zammad-out-of-office":
            ok = mail.classification.is_automatic
        elif check == "attachment_count":
            ok = len(mail.attachments) == int(expected)
        elif re.match(r"attachment\[\d+\]\.filename|attachment_filename", check):
            ok = expected in _filenames(mail)
        elif check == "attachment[0].Content-ID":
            ok = any(attachment.content_id == expected for attachment in mail.attachments)
        elif check == "attachment[0].content":
            ok = any(expected.encode() in attachment.content for attachment in mail.attachments)
        elif check == "sender_email":
            ok = mail.from_address == expected
        elif check in ("subject", "ticket.title"):
            ok = mail.subject == expected
        elif check == "body":
            ok = _squash(re.sub(r"<[^>]+>", "", expected)) in _squash(mail.text)
        elif check == "process.raises":
            ok = True
        if ok is not None:
            yield Outcome(source, check, row.file, ok)


def _enmime_counts(mail: ParsedMail, counts: dict[str, int]) -> bool:
    return len(mail.attachments) == sum(counts.values())


def enmime(run: CorpusRun) -> Iterator[Outcome]:
    """enmime: text/HTML bodies, attachment names and counts (its attachments + inlines + other parts)."""
    source = "enmime"
    counts: dict[str, dict[str, int]] = {}
    for row in expectations(run.root, source):
        path = f"{source}/{row.file}"
        mail = run.mails.get(path)
        if mail is None:
            continue
        check, expected = row.check, row.expected
        ok: bool | None = None
        if check in ("attachment_count", "inline_count", "other_part_count"):
            counts.setdefault(row.file, {})[check] = int(expected)
        elif check == "text_contains":
            ok = expected in mail.text
        elif check == "html_contains":
            ok = expected in mail.html
        elif check == "html":
            ok = mail.html == ("" if expected == "(empty)" else expected)
        elif check in ("text_equals", "text_trimmed_equals", "explanation_text"):
            ok = mail.text.strip() == expected.strip()
        elif check == "explanation_html":
            ok = _squash(expected) in _squash(mail.html)
        elif re.match(r"(attachment|inline|other_part)\[\d+\]\.filename", check):
            ok = expected in _filenames(mail)
        if ok is not None:
            yield Outcome(source, check, row.file, ok)
    for file, found in counts.items():
        mail = run.mails[f"{source}/{file}"]
        yield Outcome(source, "part_count", file, _enmime_counts(mail, found), repr(_filenames(mail)))
    for path, mail in run.mails.items():
        if path.startswith(f"{source}/dsn/testdata/"):
            yield Outcome(
                source, "dsn.is_bounce", path, mail.classification.is_bounce, mail.classification.reason
            )


def spamscope(run: CorpusRun) -> Iterator[Outcome]:
    """SpamScope mail-parser: headers, addresses, defects, attachment counts."""
    source = "spamscope-mail-parser"
    for row in expectations(run.root, source):
        path = f"{source}/{row.file}"
        if row.check == "format":
            yield Outcome(source, "outlook_msg_is_parse_error", row.file, path in run.parse_errors)
            continue
        mail = run.mails.get(path)
        if mail is None:
            continue
        ok = _spamscope_check(mail, row.check, row.expected)
        if ok is not None:
            yield Outcome(source, row.check, row.file, ok)


def _spamscope_check(mail: ParsedMail, check: str, expected: str) -> bool | None:
    addresses_in = re.findall(r"[\w.+-]+@[\w.-]+", expected)
    if check == "has_defects":
        return bool(_python_defects(mail)) == (expected == "true")
    if check == "message_id":
        return mail.message_id == expected.strip("<>")
    if check == "to_count":
        return len(mail.to) == int(expected)
    if check == "to[0].address":
        return mail.to[:1] == (expected,)
    if check in ("from[0].address",):
        return mail.from_address == expected
    if check == "subject":
        return mail.subject == expected
    if check == "attachment_count":
        return len(mail.attachments) == int(expected)
    if check == "date_utc":
        return mail.date is not None and mail.date == datetime.fromisoformat(expected)
    if check == "from":
        if "display name" in expected:
            return mail.from_address == addresses_in[-1]
        name = re.match(r'^"([^"]*)"', expected)
        return mail.from_address == addresses_in[-1] and (name is None or mail.from_name == name.group(1))
    if check in ("to", "cc", "reply_to"):
        found = {"to": mail.to, "cc": mail.cc, "reply_to": (mail.reply_to,)}[check]
        wanted = [addresses_in[-1]] if "display name" in expected else addresses_in
        return all(address in found for address in wanted)
    if check == "defect_categories" or check == "defect_categories_include":
        return all(name in _python_defects(mail) for name in expected.split(","))
    if check.startswith("headers.") or check.startswith("header."):
        return mail.header(check.split(".", 1)[1]) == expected
    if check in ("full_headers_include", "main_headers_include"):
        return mail.header(expected) is not None
    if check == "to_domains_contains":
        return any(
            address.endswith("@" + expected) or address.endswith("." + expected) for address in mail.to
        )
    if check in ("parses", "parses_without_unicode_error"):
        return True
    return None


def request_tracker(run: CorpusRun) -> Iterator[Outcome]:
    """Request Tracker: subjects, decoded bodies and attachment names (not its record counts)."""
    source = "request-tracker"
    for row in expectations(run.root, source):
        mail = run.mails.get(f"{source}/{row.file}")
        if mail is None:
            continue
        check, expected = row.check, row.expected
        ok: bool | None = None
        if check == "creates_ticket":
            ok = True
        elif check in ("first_transaction_content_contains", "first_transaction_content_matches"):
            ok = expected in mail.text
        elif check == "body_decoded":
            ok = mail.text == expected
        elif check == "ticket.subject":
            # RT cuts subjects to its 200-character column; the parser keeps them whole.
            ok = mail.subject == expected or (len(expected) == 200 and mail.subject.startswith(expected))
        elif check == "first_attachment_content_contains":
            ok = expected in mail.text
        elif check in ("attachment_filename",) or re.match(r"attachment\[\d+\]\.filename", check):
            ok = expected in _filenames(mail)
        if ok is not None:
            yield Outcome(source, check, row.file, ok)


def django_helpdesk(run: CorpusRun) -> Iterator[Outcome]:
    """django-helpdesk: title = subject, description = body (full or visible), attachments."""
    source = "django-helpdesk"
    for row in expectations(run.root, source):
        mail = run.mails.get(f"{source}/{row.file}")
        if mail is None:
            continue
        check, expected = row.check, row.expected
        ok: bool | None = None
        if check == "ticket.title":
            ok = mail.subject == expected or (
                expected.endswith("...") and mail.subject.startswith(expected[:-3])
            )
        elif check == "ticket.description":
            ok = mail.visible_text.strip() == expected.strip()
        elif check == "ticket.description_contains" or check == "followup[0].comment_contains":
            ok = expected in mail.text or expected in html_to_text(mail.html)
        elif check == "ticket.description_not_contains":
            ok = expected not in mail.visible_text
        elif check == "attachment[0].content_contains":
            # django-helpdesk stores the HTML alternative as an attachment: ours is ``html``.
            in_files = any(expected.encode() in attachment.content for attachment in mail.attachments)
            ok = in_files or expected.strip() in mail.html
        elif check == "attachment[0].filename":
            ok = any(expected.endswith(name) for name in _filenames(mail))
        if ok is not None:
            yield Outcome(source, check, row.file, ok)


def cpython(run: CorpusRun) -> Iterator[Outcome]:
    """CPython's email test data: the defects it must report, and the delivery reports."""
    source = "cpython-test_email"
    for row in expectations(run.root, source):
        mail = run.mails.get(f"{source}/{row.file}")
        if mail is None:
            continue
        if row.check in ("defects", "defect", "inner_part.defects"):
            ok = all(name in mail.defects for name in row.expected.split(","))
            yield Outcome(source, "defects", row.file, ok, repr(mail.defects))
        elif row.check == "content_type" and row.expected == "multipart/report":
            yield Outcome(source, "report.is_bounce", row.file, mail.classification.is_bounce)


def outlook_msg(run: CorpusRun) -> Iterator[Outcome]:
    """An Outlook .msg file is not a MIME mail: ParseError with a clear message."""
    for path, message in run.parse_errors.items():
        if path.endswith("mail_outlook_1"):
            yield Outcome("spamscope-mail-parser", "msg_error_is_clear", path, "Outlook" in message)
