"""The one pipeline every inbound mail goes through, whichever door it came in by.

1. ``receive`` stores the raw bytes first (own transaction), keyed per mailbox by a digest
   of the mail's own bytes (``identity``): a re-delivered mail is recognised and makes
   nothing twice; a different mail reusing a Message-ID is kept and handled (flagged); a
   delivery to two of our mailboxes is two receptions.
2. ``process`` parses it, drops loops and noise (auto-replies, bounces, our own mail), finds
   the ticket it answers (reference in the subject, else our Message-IDs; only within the
   mailbox's tickets) and calls the ticket services: a reply on that ticket, or a new
   ticket. A reply to a closed ticket opens a new one linked to it (procedure 002).
3. Whatever goes wrong, the mail stays stored: quarantined with the reason, for an
   administrator to retry or discard. A database outage is a temporary failure (the MTA
   or the poller tries again later).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.parser import BytesHeaderParser
from email.policy import compat32

from django.conf import settings
from django.db import DatabaseError, IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from comptoir.admission import services as admission
from comptoir.admission.models import HeldRequest
from comptoir.catalog.models import Product
from comptoir.core import outbox
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import ComptoirError
from comptoir.mail import notices
from comptoir.mail.inbound import flood, identity, senders, threading, urgency
from comptoir.mail.models import InboundMail, Mailbox
from comptoir.mail.parsing import ParsedMail, ParseError, parse
from comptoir.mail.parsing.subject import clean_subject, match_product
from comptoir.tickets import lifecycle, services
from comptoir.tickets.attachments import IncomingFile, within_limits
from comptoir.tickets.models import Ticket
from comptoir.tickets.new_request import NewRequest
from comptoir.tickets.permissions import can_view
from comptoir.tickets.vocabulary import Channel, Priority

log = logging.getLogger(__name__)

AUTO_ANSWERS_PER_HOUR = 5


class TemporaryFailure(Exception):
    """The mail could not even be stored (database unreachable): try again later."""


@dataclass(frozen=True)
class Outcome:
    inbound_id: int | None
    status: str  # new_ticket, reply, follow_up, held, duplicate, ignored, refused, quarantined
    ticket_number: int | None = None
    reason: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.inbound_id,
            "status": self.status,
            "ticket": f"#{self.ticket_number}" if self.ticket_number else None,
            "reason": self.reason,
        }


def _header(headers, name: str) -> str:  # type: ignore[no-untyped-def]
    # PostgreSQL text refuses NUL characters: a stray one must not make the mail unstorable
    # (LMTP would answer "try again later" forever, and IMAP would stop at it every poll).
    return str(headers.get(name, "") or "").replace("\x00", "")


def _summary(raw: bytes) -> tuple[str, str, str]:
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw[:65536])
    mid = _header(headers, "Message-ID").strip().strip("<>")[:240]
    sender = _header(headers, "From")[:255]
    subject = _header(headers, "Subject")[:255]
    return mid, sender, subject


def receive(
    raw: bytes, *, source: str, mailbox: Mailbox | None = None, at: datetime | None = None
) -> Outcome:
    """Store, then process, one mail. Raises TemporaryFailure when it cannot be stored."""
    at = at or clock_now()
    stored = store(raw, source=source, mailbox=mailbox, at=at)
    return stored if isinstance(stored, Outcome) else process(stored, at=at)


def store(
    raw: bytes, *, source: str, mailbox: Mailbox | None = None, at: datetime | None = None
) -> InboundMail | Outcome:
    """Keep one mail (its own transaction), to be processed next: the stored mail, or the
    "duplicate" outcome when it was received before. Raises TemporaryFailure when it cannot
    be stored."""
    at = at or clock_now()
    mid, sender, subject = _summary(raw)
    key = identity.key(raw, mailbox.pk if mailbox else None)
    try:
        with transaction.atomic():
            reused = bool(mid) and InboundMail.objects.filter(mailbox=mailbox, header_message_id=mid).exists()
            inbound = InboundMail.objects.create(
                mailbox=mailbox,
                key=key,
                header_message_id=mid,
                message_id_reused=reused,
                sender=sender,
                subject=subject,
                raw=raw,
                size=len(raw),
                source=source,
                received_at=at,
            )
    except IntegrityError:
        existing = (
            InboundMail.objects.filter(key=key).only("pk", "ticket__number").select_related("ticket").first()
        )
        number = existing.ticket.number if existing and existing.ticket else None
        return Outcome(existing.pk if existing else None, "duplicate", number, _("Already received."))
    except (OperationalError, DatabaseError) as exc:
        raise TemporaryFailure(str(exc)) from exc
    return inbound


def process_stored(pk: int, *, at: datetime | None = None) -> Outcome | None:
    """Process a stored mail that no one processed yet (a task of the LMTP receiver, or the
    sweep below). Claimed first, so that two workers never handle it twice."""
    inbound = InboundMail.objects.filter(pk=pk, state=InboundMail.State.RECEIVED).first()
    if inbound is None:
        return None
    unclaimed = InboundMail.objects.filter(pk=pk, attempts=inbound.attempts)
    claimed = unclaimed.update(attempts=inbound.attempts + 1)
    if not claimed:
        return None  # another worker has it
    return process(inbound, at=at)


def process_waiting(*, older_than: timedelta, at: datetime | None = None, limit: int = 100) -> int:
    """Process the mails stored but still unprocessed after ``older_than`` (a receiver or
    a worker stopped between the two): nothing stays unread. Returns how many."""
    at = at or clock_now()
    waiting = InboundMail.objects.filter(
        state=InboundMail.State.RECEIVED, received_at__lte=at - older_than
    ).values_list("pk", flat=True)[:limit]
    done = 0
    for pk in list(waiting):
        with contextlib.suppress(TemporaryFailure):
            done += process_stored(pk, at=at) is not None
    return done


def process(inbound: InboundMail, *, at: datetime | None = None, flood_check: bool = True) -> Outcome:
    """Handle a stored mail (first time, or an administrator's retry from the quarantine,
    which opens the request even beyond the flood limits)."""
    at = at or clock_now()
    inbound.attempts += 1
    try:
        outcome = _handle(inbound, at, flood_check)
    except OperationalError as exc:
        _finish(inbound, InboundMail.State.QUARANTINED, _("Database unavailable: %(e)s") % {"e": exc}, at)
        raise TemporaryFailure(str(exc)) from exc
    except Exception as exc:  # keep the mail whatever happened; the reason says what
        log.exception("inbound mail quarantined", extra={"inbound_id": inbound.pk})
        reason = _("Unexpected error: %(e)s") % {"e": f"{type(exc).__name__}: {exc}"}
        _finish(inbound, InboundMail.State.QUARANTINED, reason, at)
        return Outcome(inbound.pk, "quarantined", None, reason)
    return outcome


def _text(value: str) -> str:
    """A NUL byte (broken mails have them) cannot be stored in PostgreSQL text: shown as
    the replacement character on both databases; the raw mail keeps the original."""
    return value.replace("\x00", "\ufffd")


def _finish(
    inbound: InboundMail, state: str, reason: str, at: datetime, *, outcome: str = "", **links: object
) -> None:
    inbound.state, inbound.reason, inbound.processed_at = state, reason, at
    inbound.outcome = outcome or str(state)
    for name, value in links.items():
        setattr(inbound, name, value)
    fields = ["state", "reason", "processed_at", "attempts", "outcome", "sender_address", *links]
    inbound.save(update_fields=fields)


def _our_addresses() -> set[str]:
    own = {a.lower() for a in Mailbox.objects.values_list("address", flat=True)}
    own.add(settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">").strip().lower())
    return own


def _domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">").strip() or "comptoir.localhost"


def _shortened(body: str) -> str:
    """A mail's text within the limit every door has; the original mail keeps it all."""
    limit = settings.COMPTOIR_MAX_MESSAGE_CHARS
    if len(body) <= limit:
        return body
    note = _("[Message shortened: the full text is in the original mail.]")
    return body[: limit - len(note) - 2].rstrip() + "\n\n" + note


def _tell_about_large_files(
    mail: ParsedMail, inbound: InboundMail, outcome: Outcome, at: datetime, refused: list[str]
) -> None:
    names = [a.filename for a in mail.attachments if a.too_large] + refused
    if not names or outcome.status not in {"new_ticket", "follow_up", "reply", "held"}:
        return
    # Like every automatic answer: a few an hour to one address, never one per mail.
    recent = InboundMail.objects.filter(
        sender_address=mail.from_address, received_at__gte=at - timedelta(hours=1)
    ).exclude(pk=inbound.pk)
    if recent.count() >= AUTO_ANSWERS_PER_HOUR:
        return
    reference = f"#{outcome.ticket_number}" if outcome.ticket_number else None
    outbox.enqueue(
        [
            notices.attachments_refused(
                mail,
                names,
                limit=settings.COMPTOIR_MAX_ATTACHMENT_BYTES,
                ticket_reference=reference,
                reply_to=inbound.mailbox.address if inbound.mailbox else None,
                at=at,
            )
        ]
    )


# The mark a mail read as a person's although its subject looked automatic carries in its
# ``reason`` (a stable prefix, never translated: the desk looks for it).
POSSIBLE_AUTOMATIC_REPLY = "possible automatic reply: "


def _handle(inbound: InboundMail, at: datetime, flood_check: bool) -> Outcome:
    refused: list[str] = []  # files beyond the message's or the ticket's total
    outcome, mail = _route(inbound, at, refused, flood_check)
    if (
        mail is not None
        and mail.classification.weak
        and outcome.status in {"new_ticket", "follow_up", "reply"}
    ):
        # Kept from the team's sight nowhere: the desk shows "possible automatic reply".
        inbound.reason = POSSIBLE_AUTOMATIC_REPLY + mail.classification.reason
        inbound.save(update_fields=["reason"])
    if mail is not None:
        _tell_about_large_files(mail, inbound, outcome, at, refused)
    return outcome


def _route(
    inbound: InboundMail, at: datetime, refused: list[str], flood_check: bool
) -> tuple[Outcome, ParsedMail | None]:
    mailbox = inbound.mailbox
    mail: ParsedMail | None = None
    try:
        mail = parse(bytes(inbound.raw), max_attachment_bytes=settings.COMPTOIR_MAX_ATTACHMENT_BYTES)
    except ParseError as exc:
        reason = _("Not a readable e-mail: %(e)s") % {"e": exc}
        _finish(inbound, InboundMail.State.QUARANTINED, reason, at)
        return Outcome(inbound.pk, "quarantined", None, reason), mail
    possibly_automatic = mail.classification.is_automatic and mail.classification.weak
    if possibly_automatic and senders.find_user(mail.from_address) is not None:
        # Subject words alone never drop a known customer's mail: it is read, flagged.
        pass
    elif mail.classification.is_bounce or mail.classification.is_auto_reply:
        kind = _("bounce") if mail.classification.is_bounce else _("automatic reply")
        reason = _("Ignored (%(kind)s): %(why)s") % {"kind": kind, "why": mail.classification.reason}
        _finish(inbound, InboundMail.State.IGNORED, reason, at)
        return Outcome(inbound.pk, "ignored", None, reason), mail
    if not mail.from_address:
        reason = _("No sender address.")
        _finish(inbound, InboundMail.State.QUARANTINED, reason, at)
        return Outcome(inbound.pk, "quarantined", None, reason), mail
    if mail.from_address in _our_addresses():
        reason = _("Ignored: sent from one of our own addresses (mail loop).")
        _finish(inbound, InboundMail.State.IGNORED, reason, at)
        return Outcome(inbound.pk, "ignored", None, reason), mail

    inbound.sender_address = mail.from_address
    sender = senders.find_user(mail.from_address)
    ticket = _ticket_answered(mail, mailbox)
    if sender is None:
        if mailbox is not None and mailbox.unknown_senders == Mailbox.UnknownSenders.REFUSE:
            return (_refuse(inbound, mail, mailbox, at), mail)
        sender = senders.create_requester(mail.from_address, mail.from_name, mailbox)
    files = [IncomingFile(a.filename, a.content) for a in mail.attachments if not a.too_large]
    answered = ticket if ticket is not None and ticket.status != lifecycle.CLOSED else None
    files, beyond = within_limits(files, answered)
    refused.extend(f.filename for f in beyond)
    body = _shortened(_text(mail.visible_text.strip() or mail.text.strip() or _("(no text)")))
    answers = ticket is not None and _may_answer(sender, ticket)
    opens = not answers or (ticket is not None and ticket.status == lifecycle.CLOSED)
    address = mail.from_address or ""
    if flood_check and opens and address and flood.over_limit(address, at=at, exclude=inbound.pk):
        return _held_as_flood(inbound, address, at), mail
    try:
        if ticket is not None and answers:
            if ticket.status == lifecycle.CLOSED:
                return (_follow_up(inbound, mail, sender, ticket, body, files, at), mail)
            with transaction.atomic():
                message = services.reply(
                    ticket,
                    by=sender,
                    body=body,
                    channel=Channel.EMAIL,
                    body_html=_text(mail.visible_html or mail.html),
                    attachments=files,
                    at=at,
                )
                _add_followers(ticket, mail, exclude=sender, at=at)
                _finish(
                    inbound,
                    InboundMail.State.PROCESSED,
                    "",
                    at,
                    outcome="reply",
                    ticket=ticket,
                    message=message,
                )
            return Outcome(inbound.pk, "reply", ticket.number), mail
        return (_new_ticket(inbound, mail, sender, body, files, at), mail)
    except ComptoirError as exc:
        _finish(inbound, InboundMail.State.QUARANTINED, exc.message, at)
        return Outcome(inbound.pk, "quarantined", None, exc.message), mail


def _held_as_flood(inbound: InboundMail, address: str, at: datetime) -> Outcome:
    """Beyond the flood limits: kept in the quarantine, no answer, the team told once."""
    reason = _(
        "Flood: more new requests from this sender (or its domain) within an hour than allowed. "
        "Kept for review: Retry opens the request."
    )
    _finish(inbound, InboundMail.State.QUARANTINED, reason, at, outcome=flood.FLOOD)
    flood.tell_the_team(address, at=at, exclude=inbound.pk)
    return Outcome(inbound.pk, "quarantined", None, reason)


def _ticket_answered(mail: ParsedMail, mailbox: Mailbox | None) -> Ticket | None:
    number = threading.ticket_number(mail, domain=_domain())
    if number is None:
        return None
    # Threading is scoped to the mailbox: a number from elsewhere does not match. Requests
    # opened on the portal or by the API have no mailbox: their mails answer to the default
    # one, so it finds them too.
    scope = Q(mailbox=mailbox)
    if mailbox is not None and mailbox.address == Mailbox.default_address():
        scope |= Q(mailbox__isnull=True)
    return (
        Ticket.objects.filter(scope, number=number)
        .select_related("requester", "organisation", "mailbox", "group")
        .first()
    )


def _may_answer(user, ticket: Ticket) -> bool:  # type: ignore[no-untyped-def]
    """Whoever may see the ticket on the portal (its requester, their organisation admin,
    the team) answers on it. Anyone else quoting a number opens their own ticket instead
    of being refused."""
    return can_view(user, ticket)


def _add_followers(ticket: Ticket, mail: ParsedMail, *, exclude, at: datetime) -> None:  # type: ignore[no-untyped-def]
    """People in copy who have an account follow the ticket."""
    addresses = {a for a in mail.cc if a != mail.from_address} - _our_addresses()
    if not addresses:
        return
    users = [u for u in (senders.find_user(a) for a in addresses) if u is not None and u.pk != exclude.pk]
    if users:
        services.add_followers(ticket, users, at=at)


AUTO_ANSWERED = ("new_ticket", "follow_up", "refused", "held")


def _recent_auto_answers(address: str, at: datetime) -> int:
    """Automatic answers this sender got in the last hour (a mail loop or a flood gets a
    few, not one per mail)."""
    return InboundMail.objects.filter(
        sender_address=address, received_at__gte=at - timedelta(hours=1), outcome__in=AUTO_ANSWERED
    ).count()


def _new_ticket(inbound, mail, sender, body, files, at, *, linked_to=None) -> Outcome:  # type: ignore[no-untyped-def]
    mailbox = inbound.mailbox
    subject = _text(clean_subject(mail.subject) or _("(no subject)"))
    urgent = urgency.decide(mail.subject, requester=sender, mailbox=mailbox, at=at)
    catalogue = _active_products()
    product_id = match_product(subject, [(p.pk, names) for p, names in catalogue])
    product = next((p for p, _names in catalogue if p.pk == product_id), None)
    if product is None and mailbox is not None:
        product = mailbox.product
    with transaction.atomic():
        # Procedures 000 and 002: a sender their organisation does not serve, or beyond the
        # allowance under the approval policy, gets a kept request and an answer saying
        # why; the mail is processed (linked to it), not quarantined.
        request = NewRequest(
            requester=sender,
            subject=subject,
            body=body,
            body_html=_text(mail.visible_html or mail.html),
            channel=Channel.EMAIL,
            product=product,
            group=mailbox.group if mailbox and not (product and product.default_group_id) else None,
            is_urgent=urgent.urgent,
            urgent_review=urgent.review,
            priority=Priority.URGENT if urgent.urgent else Priority.NORMAL,
            attachments=tuple(files),
            mailbox=mailbox,
            mail_thread_id=mail.message_id or "",
            linked_to=linked_to,
            followers=tuple(
                u
                for u in (senders.find_user(a) for a in set(mail.cc) - _our_addresses())
                if u and u.pk != sender.pk
            ),
            acknowledge=_recent_auto_answers(mail.from_address, at) < AUTO_ANSWERS_PER_HOUR,
        )
        result = admission.submit(request, inbound=inbound, at=at)
        if isinstance(result, HeldRequest):
            reason = _("Kept for a decision: %(why)s") % {"why": result.get_reason_display()}
            _finish(inbound, InboundMail.State.PROCESSED, reason, at, outcome="held")
            return Outcome(inbound.pk, "held", None, reason)
        ticket = result
        status = "follow_up" if linked_to else "new_ticket"
        _finish(
            inbound,
            InboundMail.State.PROCESSED,
            "",
            at,
            outcome=status,
            ticket=ticket,
            message=ticket.messages.order_by("pk").first(),
        )
    return Outcome(inbound.pk, status, ticket.number)


def _follow_up(inbound, mail, sender, closed, body, files, at) -> Outcome:  # type: ignore[no-untyped-def]
    """Procedure 002: a closed request stays closed; the answer opens a new one, linked,
    and the acknowledgement tells the requester so."""
    return _new_ticket(inbound, mail, sender, body, files, at, linked_to=closed)


def _refuse(inbound, mail, mailbox, at) -> Outcome:  # type: ignore[no-untyped-def]
    """Procedure 002: only site editors and owners are served; others are told whom to
    contact, and the mail is kept."""
    reason = _("Unknown sender: answered with whom to contact.")
    with transaction.atomic():
        if _recent_auto_answers(mail.from_address, at) < AUTO_ANSWERS_PER_HOUR:
            outbox.enqueue([notices.refusal(mail, mailbox, at=at)])
        _finish(inbound, InboundMail.State.PROCESSED, reason, at, outcome="refused")
    return Outcome(inbound.pk, "refused", None, reason)


def _active_products():  # type: ignore[no-untyped-def]
    """Products with the names people use for them (procedure 001: the subject names the
    program concerned)."""

    return [
        (p, [p.name, *(a.strip() for a in p.aliases.split(",") if a.strip())])
        for p in Product.objects.filter(is_active=True).select_related("default_group")
    ]
