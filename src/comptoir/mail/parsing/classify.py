"""Is a mail an automatic reply or a bounce? (procedure 001: the automatic reply must not loop).

A help desk answers every new ticket by mail, so it must recognise the mails that a machine
wrote: answering an out-of-office or a delivery failure starts a mail loop, and turning a
bounce into a ticket hides that the requester never got our answer. The rules follow
RFC 3834 (``Auto-Submitted``), RFC 3464 (delivery status notifications), RFC 5965 (abuse
feedback reports) and the headers and subjects that the common servers and clients really send.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from comptoir.mail.parsing.folding import fold


@dataclass(frozen=True)
class Classification:
    """Why a mail should not be treated as a person writing to us.

    ``is_auto_reply``: an automatic answer or a bulk/list mail (RFC 3834 ``Auto-Submitted``,
    ``Precedence: bulk/junk/list``, ``X-Autoreply``, out-of-office subjects, ``List-Id``…).
    ``is_bounce``: a delivery failure or delay report (DSN, ``mailer-daemon`` sender, bounce
    subjects). ``reason`` says in words which rule fired ("" when neither). ``weak``: only
    the subject's words said so (no header, no report part, no robot sender) — a hint, not
    proof: a customer may well write "Delivery report for order 4512".
    """

    is_auto_reply: bool
    is_bounce: bool
    reason: str
    weak: bool = False

    @property
    def is_automatic(self) -> bool:
        """True for either kind: never send an automatic answer to it."""
        return self.is_auto_reply or self.is_bounce


NOT_AUTOMATIC = Classification(is_auto_reply=False, is_bounce=False, reason="")

_BOUNCE_SENDERS = re.compile(
    r"^(?:mailer-daemon|postmaster|post_master|mail-daemon|maildaemon|mailerdaemon)(?:[@+]|$)"
)
# A forwarded or answered bounce is a person asking about it: subject rules do not apply.
_FORWARDED = re.compile(
    r"^\s*(?:fwd?|tr|wg|rv|enc|doorst|vs|re|aw|sv|antw|réf|ref)\s*(?:\[\d+\])?\s*[:：]", re.IGNORECASE
)
_BOUNCE_NAMES = (
    "mail delivery subsystem",
    "mail delivery system",
    "mail delivery service",
    "mailer-daemon",
    "mailer daemon",
    "postmaster",
    "delivery status notification",
    "mail administrator",
    "microsoft outlook",
)
# Subjects, folded (no accents, lower case), matched as substrings.
_BOUNCE_SUBJECTS = (
    "undelivered mail returned to sender",
    "delivery status notification",
    "mail delivery failed",
    "mail delivery failure",
    "delivery failure",
    "delivery failed",
    "delivery has failed",
    "delivery notification",
    "failure notice",
    "failed delivery",
    "returned mail",
    "returned to sender",
    "undeliverable",
    "undelivered mail",
    "undelivered message",
    "undeliverable mail",
    "message not delivered",
    "message delivery failure",
    "could not send message",
    "delivery problem",
    "delivery report",
    "nondeliverable",
    "non-deliverable",
    "warning: could not send",
    "mail system error",
    "message you sent blocked",
    "delayed mail",
    "delivery delayed",
    "delivery status",
    "non remis",
    "echec de la remise",
    "echec de remise",
    "rapport de non-remise",
    "notification d'etat de remise",
    "message non delivre",
    "retour de courrier",
    "impossible de remettre",
    "unzustellbar",
    "nicht zustellbar",
    "non recapitabile",
    "mensaje no entregado",
    "onbestelbaar",
    "メールエラー通知",
    "配信エラー",
    "未配達",
)
_AUTO_SUBJECTS = (
    "reponse automatique",
    "reponse auto",
    "automatic reply",
    "auto reply",
    "auto-reply",
    "autoreply",
    "auto response",
    "auto-response",
    "autoresponse",
    "absence du bureau",
    "absent du bureau",
    "message d'absence",
    "out of office",
    "out of the office",
    "ooo:",
    "abwesenheitsnotiz",
    "automatische antwort",
    "risposta automatica",
    "respuesta automatica",
    "automatisch antwoord",
    "on vacation",
    "vacation reply",
    "je suis absent",
    "je suis actuellement absent",
    "en conge",
    "complaint about message from",
    "email feedback report",
    "abuse report",
)
_AUTO_SUBJECT_PREFIXES = ("auto:", "autom:", "automatique:", "automatic:")


def _header(headers: Sequence[tuple[str, str]], name: str) -> list[str]:
    wanted = name.lower()
    return [value.strip() for key, value in headers if key.lower() == wanted]


def _auto_reply_reason(headers: Sequence[tuple[str, str]], subject: str) -> str:
    for value in _header(headers, "Auto-Submitted"):
        if value and fold(value).split(";")[0].strip() != "no":
            return f"Auto-Submitted: {value}"
    for name in ("Precedence", "X-Precedence"):
        for value in _header(headers, name):
            if fold(value).strip() in ("bulk", "junk", "list", "auto_reply", "auto-reply", "autoreply"):
                return f"{name}: {value}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Autogenerated", "X-AutoReply-From"):
        for value in _header(headers, name):
            if fold(value).strip() not in ("no", "false", "0"):
                return f"{name}: {value}".rstrip(": ")
    for value in _header(headers, "X-Auto-Response-Suppress"):
        tokens = {token.strip().lower() for token in value.split(",")}
        if tokens & {"oof", "all", "autoreply"}:
            return f"X-Auto-Response-Suppress: {value}"
    for value in _header(headers, "X-MS-Exchange-Generated-Message-Source"):
        return f"X-MS-Exchange-Generated-Message-Source: {value}"
    folded = fold(subject).strip()
    if not _FORWARDED.match(subject):
        for phrase in _AUTO_SUBJECTS:
            if phrase in folded:
                return f"subject: {subject}"
        if folded.startswith(_AUTO_SUBJECT_PREFIXES):
            return f"subject: {subject}"
    for name in ("List-Id", "List-Unsubscribe", "List-Subscribe", "List-Post", "List-Help"):
        for value in _header(headers, name):
            return f"{name}: {value} (bulk)"
    # Mailing-list software's own notices (fml, ezmlm): "you are not a member", loop alerts.
    for name in ("X-Loop", "X-Mailing-List", "Mailing-List", "X-MLServer", "X-ML-Name"):
        for value in _header(headers, name):
            return f"{name}: {value}"
    return ""


def _bounce_reason(
    headers: Sequence[tuple[str, str]],
    subject: str,
    from_address: str | None,
    from_name: str,
    report_types: Sequence[str],
) -> str:
    for report_type in report_types:
        if report_type == "delivery-status":
            return "delivery status notification (multipart/report; report-type=delivery-status)"
    for value in _header(headers, "X-Failed-Recipients"):
        return f"X-Failed-Recipients: {value}"
    address = (from_address or "").lower()
    if _BOUNCE_SENDERS.match(address):
        return f"sent by {address}"
    name = fold(from_name)
    for candidate in _BOUNCE_NAMES:
        if candidate in name and candidate != "microsoft outlook":
            return f"sent by {from_name}"
    folded = fold(subject)
    if not _FORWARDED.match(subject):
        for phrase in _BOUNCE_SUBJECTS:
            if phrase in folded:
                return f"subject: {subject}"
    if "microsoft outlook" in name and folded.startswith(("undeliverable", "non remis", "unzustellbar")):
        return f"sent by {from_name}"
    return ""


_SES_TYPE = re.compile(r'notificationType\\?"\s*:\s*\\?"(\w+)')


def _ses_notification(from_address: str | None, text: str) -> str:
    """The ``notificationType`` of an Amazon SES notification relayed by SNS ("" otherwise)."""
    if not (from_address or "").endswith(("@sns.amazonaws.com", ".amazonses.com")):
        return ""
    found = _SES_TYPE.search(text[:20000])
    return found.group(1) if found else ""


def classify(
    headers: Sequence[tuple[str, str]],
    *,
    subject: str,
    from_address: str | None,
    from_name: str = "",
    report_types: Sequence[str] = (),
    text: str = "",
) -> Classification:
    """Classify a mail from its decoded headers and the ``report-type`` of its report parts.

    Bounce rules: a ``multipart/report; report-type=delivery-status`` part, an
    ``X-Failed-Recipients`` header, a ``mailer-daemon``/``postmaster`` sender, a typical
    subject ("Undelivered Mail Returned to Sender", "Non remis", "Échec de la remise"…), or an
    empty ``Return-Path: <>`` when nothing says it is an automatic reply. Automatic-reply rules:
    ``Auto-Submitted`` other than ``no``, ``Precedence: bulk/junk/list``, ``X-Autoreply``,
    ``X-Autorespond``, ``X-Auto-Response-Suppress: OOF/All``, out-of-office subjects in French,
    English, German…, ``List-Id``/``List-Unsubscribe`` (bulk), and abuse feedback reports and
    read receipts (``report-type=feedback-report`` / ``disposition-notification``). ``text``
    (the body) is only read for Amazon SES notifications sent by ``sns.amazonaws.com``, whose
    JSON says what happened. A classification that only the subject's words decide is
    ``weak``: the pipeline still opens a ticket for a known customer (flagged).
    """
    found = _classify(headers, subject, from_address, from_name, report_types, text)
    if (
        found.is_automatic
        and not _classify(headers, "", from_address, from_name, report_types, text).is_automatic
    ):
        return Classification(found.is_auto_reply, found.is_bounce, found.reason, weak=True)
    return found


def _classify(
    headers: Sequence[tuple[str, str]],
    subject: str,
    from_address: str | None,
    from_name: str,
    report_types: Sequence[str],
    text: str,
) -> Classification:
    bounce = _bounce_reason(headers, subject, from_address, from_name, report_types)
    auto = _auto_reply_reason(headers, subject)
    ses = _ses_notification(from_address, text)
    if ses == "Bounce" and not bounce:
        bounce = "Amazon SES bounce notification"
    elif ses and not auto:
        auto = f"Amazon SES {ses.lower()} notification"
    if not auto:
        for report_type in report_types:
            if report_type == "feedback-report":
                auto = "abuse feedback report (multipart/report; report-type=feedback-report)"
            elif report_type == "disposition-notification":
                auto = "read receipt (multipart/report; report-type=disposition-notification)"
    if not bounce and not auto:
        for value in _header(headers, "Return-Path"):
            if value.replace(" ", "") == "<>":
                bounce = "Return-Path: <> (null sender)"
                break
    reason = "; ".join(part for part in (bounce, auto) if part)
    return Classification(is_auto_reply=bool(auto), is_bounce=bool(bounce), reason=reason)
