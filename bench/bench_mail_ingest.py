"""Benchmark: inbound e-mail through ``comptoir mail ingest`` and ``receive()``, over
100,000 existing tickets.

The mails are generated (seeded, so every run sees the same ones): new requests in French
and English (70 % from known requesters, 30 % from unknown senders who get an account,
some of them writing from ``contact@`` / ``secretariat@`` addresses, a few marked URGENT),
and requesters' answers to existing open tickets: ``RE: [#n] subject`` (or, for one in
five, only our Message-ID in In-Reply-To / References), the answer above the quoted
history and a signature. 40 % carry an HTML alternative, 10 % a small PDF or PNG.

Each database (SQLite file, then PostgreSQL) is built afresh: 50 organisations, 5,000
requesters, agents, products, a mailbox that creates requesters for unknown senders,
procedure 000's SLA policies, then existing tickets bulk-loaded through the ORM
(``bulk_create``; 8 % of them still open, spread over the whole table, two messages and
two events each). Then, in order:

1. replies at 10,000 existing tickets (``--probe`` of them, in-process, after
   ``--warmup`` unmeasured ones);
2. the tickets grown to ``--tickets`` (100,000); the same number of replies again —
   the reply rate should not depend on the size of the ticket table (compared on the
   median, which a shared machine disturbs less than the mean);
3. ``--messages`` (10,000) mails, half new requests and half replies, interleaved,
   through ``receive()`` in this process;
4. ``--messages`` other mails through the command an MTA pipe would run,
   ``comptoir mail ingest --json --mailbox ADDR FILE…``, ``--batch`` files per process,
   new requests and replies in separate processes (wall time, process start included;
   the start-up alone is measured too); with ``--processes N``, ``--messages`` more mails
   through N such commands running at once, as an MTA delivering to a pipe would;
5. the same mails parsed by ``email.message_from_bytes`` and by
   ``comptoir.mail.parsing.parse`` alone (no database);
6. SQL statements per mail (a sample), and a cProfile top 25 when a PostgreSQL target is
   missed (or with ``--profile``).

Figures: mails per second (new requests and replies separately), parse rates, peak
memory (``ru_maxrss`` of this process and of the largest ``comptoir mail ingest``
process; ``tracemalloc`` peak over a sample), SQL per mail. Targets (from the issue), on
PostgreSQL with 100,000 existing tickets: at least 500 new-request mails/s and 300
replies/s, and the reply rate flat from 10,000 to 100,000 tickets (within 20 %).

    .venv/bin/python bench/bench_mail_ingest.py                    # SQLite, then PostgreSQL
    .venv/bin/python bench/bench_mail_ingest.py --db postgresql --profile
    .venv/bin/python bench/bench_mail_ingest.py --db sqlite --messages 2000 --tickets 20000

PostgreSQL is ``comptoir_bench_mail`` (``--database-url``; the name must start with
``comptoir_bench_mail``), dropped and created afresh; SQLite is a file in a fresh
temporary var directory. The task queue is Huey's in-memory one, not immediate: the
acknowledgement is written to the outbox and its delivery only enqueued, not sent.
"""

from __future__ import annotations

import argparse
import cProfile
import email
import json
import logging
import os
import pstats
import random
import resource
import shutil
import struct
import subprocess
import sys
import time
import tracemalloc
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import harness

TARGET_NEW_PER_S = 500
TARGET_REPLIES_PER_S = 300
FLAT_TOLERANCE = 0.20  # the reply rate at 100,000 tickets within 20 % of the rate at 10,000
DB_PREFIX = "comptoir_bench_mail"
MAILBOX = "support@paroisses.example"
ORGANISATIONS = 50
REQUESTERS = 5_000
OPEN_SHARE = 0.08
KINDS = ("new", "reply")
LABEL = {"new": "new-request mails", "reply": "replies"}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--database-url",
        default=f"{harness.DEFAULT_PG_SERVER}/{DB_PREFIX}",
        help=f"PostgreSQL database to drop and recreate (its name must start with {DB_PREFIX})",
    )
    parser.add_argument("--tickets", type=int, default=100_000, help="existing tickets for the main runs")
    parser.add_argument("--small", type=int, default=10_000, help="existing tickets of the first reply probe")
    parser.add_argument("--messages", type=int, default=10_000, help="mails per run (in-process, CLI)")
    parser.add_argument("--probe", type=int, default=2_000, help="replies per probe (10,000 and 100,000)")
    parser.add_argument("--warmup", type=int, default=200, help="replies before each probe, not measured")
    parser.add_argument("--batch", type=int, default=500, help="files per `comptoir mail ingest` process")
    parser.add_argument(
        "--processes", type=int, default=1, help="also run this many `comptoir mail ingest` at once"
    )
    parser.add_argument("--sample", type=int, default=200, help="mails of each kind whose SQL is counted")
    parser.add_argument("--memory-sample", type=int, default=500, help="mails ingested under tracemalloc")
    parser.add_argument("--no-sla", dest="sla", action="store_false", help="no SLA policies")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--profile", action="store_true", help="print the profiles even if targets are met")
    parser.add_argument("--profile-messages", type=int, default=500, help="mails of each kind profiled")
    parser.add_argument("--top", type=int, default=25, help="rows of each profile")
    return parser.parse_args(argv)


# -- the desk ---------------------------------------------------------------------------

FIRST = ["Camille", "Dominique", "Claude", "Alix", "Sacha", "Maxime", "Lou", "Noa", "Yannick", "Eden"]
LAST = ["Martin", "Bernard", "Dubois", "Peeters", "Janssens", "Lefèvre", "Moreau", "Girard", "Roux"]
PRODUCTS = ["Lettre d'information", "Site paroissial", "Comptabilité", "Billetterie", "Messagerie"]
CALENDAR_SPEC = {
    "timezone": "Europe/Paris",
    "week": {**{d: ["09:30-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}, "sat": [], "sun": []},
    "holidays": {"country": "FR", "subdivision": None},
    "holiday_hours": [],
    "closures": [],
    "openings": {},
}


@dataclass
class Desk:
    mailbox_id: int
    domain: str  # of our own Message-IDs
    requester_emails: list[str]
    org_admin_of: dict[int, str]  # organisation index -> an org admin's address
    language_of_org: list[str]
    sla: str
    # existing tickets: number -> (requester index, subject index), and the open ones
    tickets: dict[int, tuple[int, int]] = field(default_factory=dict)
    open_numbers: list[int] = field(default_factory=list)


def ascii_name(name: str) -> str:
    """Lefèvre -> lefevre: what people's addresses look like."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def requester_email(i: int) -> str:
    return f"{ascii_name(FIRST[i % 10])}.{ascii_name(LAST[i % 9])}{i}@client{i % ORGANISATIONS}.example"


def make_desk(*, sla: bool) -> Desk:
    """Organisations (their domains known), requesters and org admins, agents in three
    groups, products, the mailbox, and procedure 000's SLA policies."""
    from django.conf import settings
    from django.db import transaction

    from comptoir.accounts.models import Organisation, Tier, User
    from comptoir.calendars.models import Calendar
    from comptoir.catalog.models import Group, Product
    from comptoir.mail.models import Mailbox

    with transaction.atomic():
        calendar = Calendar.objects.create(name="9h30-17h00", spec=CALENDAR_SPEC)
        kinds = ["Paroisse", "Mairie", "Association", "Collège", "Cabinet", "Fédération", "Clinique"]
        orgs = Organisation.objects.bulk_create(
            Organisation(
                name=f"{kinds[k % len(kinds)]} n° {k}",
                language="en" if k % 5 == 4 else "fr",
                email_domains=f"client{k}.example",
                calendar=calendar,
            )
            for k in range(ORGANISATIONS)
        )
        groups = Group.objects.bulk_create(
            Group(name=n, tier=t) for n, t in [("Support N1", Tier.L1), ("Support N2", Tier.L2)]
        )
        agents = User.objects.bulk_create(
            User(
                username=f"agent{k}",
                email=f"agent{k}@support.example",
                role=User.Role.AGENT,
                tier=Tier.L1,
                password="!",  # noqa: S106 - unusable
            )
            for k in range(10)
        )
        Group.members.through.objects.bulk_create(
            Group.members.through(group_id=groups[0].pk, user_id=a.pk) for a in agents
        )
        emails = [requester_email(i) for i in range(REQUESTERS)]
        User.objects.bulk_create(
            (
                User(
                    username=f"requester{i}",
                    first_name=FIRST[i % 10],
                    last_name=LAST[i % 9],
                    email=emails[i],
                    role=User.Role.ORG_ADMIN if i < ORGANISATIONS else User.Role.REQUESTER,
                    organisation=orgs[i % ORGANISATIONS],
                    password="!",  # noqa: S106
                )
                for i in range(REQUESTERS)
            ),
            batch_size=1000,
        )
        products = [Product.objects.create(name=n, default_group=groups[0]) for n in PRODUCTS]
        mailbox = Mailbox.objects.create(
            name="Support",
            address=MAILBOX,
            product=products[0],
            group=groups[0],
            unknown_senders=Mailbox.UnknownSenders.CREATE,
            language="fr",
        )
        described = "none (--no-sla)"
        if sla:
            from comptoir.sla import presets

            described = f"{len(presets.procedure_000(calendar, orgs))} policies of procedure 000"
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">").strip()
    return Desk(
        mailbox_id=mailbox.pk,
        domain=domain,
        requester_emails=emails,
        org_admin_of={k: emails[k] for k in range(ORGANISATIONS)},
        language_of_org=[o.language for o in orgs],
        sla=described,
    )


def load_tickets(desk: Desk, upto: int, *, rng: random.Random) -> float:
    """Existing tickets up to ``upto``, through ``bulk_create``: in the mailbox, by
    e-mail, 8 % still open (spread over the table), two messages and two events each.
    Returns the seconds it took."""
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from comptoir.accounts.models import User
    from comptoir.catalog.models import Group
    from comptoir.tickets.models import Message, Ticket, TicketEvent, TicketNumberCounter
    from comptoir.tickets.numbering import FIRST_NUMBER, SEQUENCE

    started = time.perf_counter()
    people = User.objects.filter(role__in=["requester", "org_admin"], username__startswith="requester")
    users, orgs = {}, {}
    for address, pk, organisation in people.values_list("email", "pk", "organisation_id"):
        users[address], orgs[pk] = pk, organisation
    agent = User.objects.filter(role="agent").order_by("pk").values_list("pk", flat=True).first()
    group = Group.objects.order_by("pk").values_list("pk", flat=True).first()
    now = timezone.now()
    have = len(desk.tickets)
    # After the highest number in use: tickets opened by the runs so far keep theirs.
    number = Ticket.objects.aggregate(m=Max("number"))["m"] or FIRST_NUMBER - 1
    chunk = 5_000
    for lo in range(have, upto, chunk):
        rows = []
        for i in range(lo, min(lo + chunk, upto)):
            number += 1
            req = int(REQUESTERS * rng.random() ** 2)  # a few requesters write a lot
            subject = rng.randrange(len(SUBJECTS_FR))
            is_open = rng.random() < OPEN_SHARE
            status = rng.choice(["new", "open", "pending", "resolved"]) if is_open else "closed"
            created = now - timedelta(days=5 * 365) * (1 - i / upto) - timedelta(hours=2)
            user = users[desk.requester_emails[req]]
            desk.tickets[number] = (req, subject)
            if is_open:
                desk.open_numbers.append(number)
            rows.append(
                Ticket(
                    number=number,
                    subject=subject_of(subject, desk.language_of_org[req % ORGANISATIONS]),
                    status=status,
                    channel="email",
                    requester_id=user,
                    organisation_id=orgs[user],
                    group_id=group,
                    assignee_id=agent if status != "new" else None,
                    mailbox_id=desk.mailbox_id,
                    mail_thread_id=f"{number}.{req}@client{req % ORGANISATIONS}.example",
                    created_at=created,
                    updated_at=created + timedelta(hours=1),
                    closed_at=created + timedelta(days=3) if status == "closed" else None,
                )
            )
        with transaction.atomic():
            made = Ticket.objects.bulk_create(rows, batch_size=1000)
            Message.objects.bulk_create(
                (
                    Message(
                        ticket_id=t.pk,
                        author_id=t.requester_id if k == 0 else agent,
                        kind="public",
                        channel="email" if k == 0 else "portal",
                        body_text=BODIES_FR[t.pk % len(BODIES_FR)] if k == 0 else AGENT_ANSWER,
                        created_at=t.created_at + timedelta(minutes=30 * k),
                    )
                    for t in made
                    for k in range(2)
                ),
                batch_size=2000,
            )
            TicketEvent.objects.bulk_create(
                (event for t in made for event in history(t, agent)),
                batch_size=2000,
            )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT setval('{SEQUENCE}', %s)", [number])
        else:
            TicketNumberCounter.objects.update_or_create(id=1, defaults={"value": number})
        # Fresh statistics (and on PostgreSQL a visibility map) for the planner, as a
        # database that grew over years would have; the server may run no autovacuum.
        analyze = "VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE"
        for table in ("tickets_ticket", "tickets_message", "tickets_ticketevent", "accounts_user"):
            cursor.execute(f"{analyze} {table}")
        # The load's writes flushed now, not during the next measurement (SQLite folds its
        # write-ahead log into the file; PostgreSQL writes its dirty pages).
        if connection.vendor == "postgresql":
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - started


def history(ticket: Any, agent: int) -> list[Any]:
    """A loaded ticket's events: created, the team's answer, and its status since."""
    from comptoir.tickets.models import TicketEvent

    def event(minutes: int, kind: str, actor: int, changes: dict[str, Any]) -> Any:
        at = ticket.created_at + timedelta(minutes=minutes)
        return TicketEvent(ticket_id=ticket.pk, actor_id=actor, at=at, kind=kind, changes=changes)

    events = [
        event(0, "created", ticket.requester_id, {"channel": "email", "status": [None, "new"]}),
        event(30, "replied", agent, {"message": 0, "by": "team"}),
    ]
    if ticket.status != "new":
        events.append(event(31, "status_changed", agent, {"status": ["new", ticket.status]}))
    return events


# -- the mails --------------------------------------------------------------------------

SUBJECTS_FR = [
    "Impossible d'importer mes contacts dans la lettre d'information",
    "Erreur 500 en enregistrant une actualité",
    "Question sur la facture de mars",
    "Le formulaire de contact n'envoie plus rien",
    "Demande d'évolution : export CSV des inscrits",
    "Mot de passe oublié pour le compte de la paroisse",
    "Lenteurs sur le site depuis ce matin",
    "Certificat expiré sur le sous-domaine",
    "Doublons dans l'annuaire après l'import",
    "Paiement refusé alors que la carte est valide",
]
SUBJECTS_EN = [
    "Cannot import contacts into the newsletter",
    "Error 500 when saving a news item",
    "Question about the March invoice",
    "Contact form no longer sends anything",
    "Feature request: CSV export of subscribers",
    "Forgot the password of the parish account",
    "Site slow since this morning",
    "Expired certificate on the subdomain",
    "Duplicates in the directory after import",
    "Payment refused although the card is valid",
]
BODIES_FR = [
    "Bonjour,\n\nDepuis ce matin, quand j'essaie d'importer le fichier des contacts (environ 800 "
    "lignes, exporté depuis le tableur), l'outil affiche « format non reconnu » et rien n'est "
    "importé. J'ai essayé avec un fichier plus petit, même résultat.\n\nPouvez-vous regarder ? La "
    "lettre doit partir vendredi.\n\nMerci d'avance,",
    "Bonjour,\n\nEn enregistrant l'actualité sur la fête paroissiale, j'obtiens une page « Erreur "
    "500 ». Le texte est perdu à chaque fois. C'est la troisième fois cette semaine.\n\nBien à vous,",
    "Bonjour,\n\nNous avons reçu la facture de mars mais le montant ne correspond pas au devis "
    "signé en janvier (il manque la remise associative). Pourriez-vous nous envoyer une facture "
    "rectifiée ?\n\nCordialement,",
    "Bonjour,\n\nLe formulaire de contact du site n'envoie plus rien depuis la mise à jour de "
    "lundi : les visiteurs voient bien le message de confirmation mais nous ne recevons aucun "
    "courriel.\n\nMerci de votre aide,",
]
BODIES_EN = [
    "Hello,\n\nSince this morning, importing the contacts file (about 800 rows, exported from the "
    'spreadsheet) fails with "unknown format" and nothing is imported. A smaller file gives the '
    "same result.\n\nCould you have a look? The newsletter must go out on Friday.\n\nThanks,",
    'Hi,\n\nSaving the news item about the summer fair shows an "Error 500" page and the text is '
    "lost every time. Third time this week.\n\nBest regards,",
    "Hello,\n\nWe received the March invoice but the amount does not match the quote signed in "
    "January (the charity discount is missing). Could you send a corrected invoice?\n\nKind regards,",
]
ANSWERS_FR = [
    "Merci beaucoup, c'est réglé de notre côté. Je vous tiens au courant si le problème revient.",
    "Bonjour,\n\nJ'ai réessayé après avoir vidé le cache comme indiqué, mais le problème est "
    "toujours là. Je vous joins une capture d'écran.",
    "Bonjour,\n\nVoici les informations demandées : le fichier fait 812 lignes et il est encodé "
    "en UTF-8. L'erreur apparaît dès la première ligne.",
]
ANSWERS_EN = [
    "Thank you, it works now. I will let you know if it happens again.",
    "Hello,\n\nI tried again after clearing the cache as you said, but the problem is still "
    "there. A screenshot is attached.",
]
AGENT_ANSWER = (
    "Bonjour,\n\nPouvez-vous réessayer après avoir vidé le cache de votre navigateur ? Si le "
    "problème persiste, envoyez-nous une capture d'écran et l'heure exacte de l'erreur.\n\n"
    "Bien cordialement,\nL'équipe support"
)
GENERIC_LOCALS = ["contact", "secretariat", "accueil", "info", "mairie", "direction"]
FREE_DOMAINS = ["orange.fr", "gmail.com", "laposte.net", "free.fr", "wanadoo.fr", "outlook.com"]


def subject_of(index: int, language: str) -> str:
    return (SUBJECTS_EN if language == "en" else SUBJECTS_FR)[index]


def signature(name: str, org: str, language: str) -> str:
    phone = "04 78 00 12 34" if language == "fr" else "+44 20 7946 0000"
    return f"{name}\n{org}\n{'Tél.' if language == 'fr' else 'Phone'} : {phone}"


def png_bytes(size: int, shade: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes((x * shade + y) % 256 for x in range(size * 3)) for y in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def pdf_bytes(title: str) -> bytes:
    text = f"BT /F1 14 Tf 72 720 Td ({title}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


@dataclass(frozen=True)
class Mail:
    kind: str  # new, reply
    raw: bytes


class MailMaker:
    """Seeded mails; each maker makes distinct Message-IDs and distinct unknown senders."""

    def __init__(self, desk: Desk, *, seed: int, tag: str) -> None:
        self.desk = desk
        self.rng = random.Random(seed)
        self.tag = tag
        self.count = 0
        self.pdf = pdf_bytes("Facture 2026-03 / Invoice")
        self.pngs = [png_bytes(48, shade) for shade in (3, 7, 11)]

    def _base(self, *, sender: str, name: str, subject: str, at_offset: int) -> EmailMessage:
        self.count += 1
        msg = EmailMessage()
        msg["From"] = f"{name} <{sender}>"
        msg["To"] = f"Support <{MAILBOX}>"
        msg["Subject"] = subject
        msg["Date"] = format_datetime(
            email.utils.localtime().replace(microsecond=0) - timedelta(seconds=at_offset)
        )
        msg["Message-ID"] = make_msgid(idstring=f"{self.tag}{self.count}", domain=sender.rsplit("@", 1)[1])
        msg["MIME-Version"] = "1.0"
        return msg

    def _finish(self, msg: EmailMessage, text: str, html: str | None) -> bytes:
        msg.set_content(text)
        if html is not None:
            msg.add_alternative(html, subtype="html")
        if self.rng.random() < 0.10:
            if self.rng.random() < 0.5:
                msg.add_attachment(self.pdf, maintype="application", subtype="pdf", filename="facture.pdf")
            else:
                image = self.rng.choice(self.pngs)
                msg.add_attachment(image, maintype="image", subtype="png", filename="capture.png")
        return msg.as_bytes()

    def new_request(self) -> Mail:
        rng = self.rng
        if rng.random() < 0.7:
            req = int(REQUESTERS * rng.random() ** 2)
            sender, org = self.desk.requester_emails[req], req % ORGANISATIONS
            language = self.desk.language_of_org[org]
            name = f"{FIRST[req % 10]} {LAST[req % 9]}"
        else:
            n = self.count
            first, last = rng.choice(FIRST), rng.choice(LAST)
            name = f"{first} {last}"
            language = "en" if rng.random() < 0.25 else "fr"
            org = rng.randrange(ORGANISATIONS)
            # 30 % write from their organisation's domain (they join it), the others from a
            # mail provider; a quarter from a shared address (contact@, secretariat@…).
            domain = (
                f"client{org}.example" if rng.random() < 0.3 else f"{self.tag}{n}.{rng.choice(FREE_DOMAINS)}"
            )
            local = (
                rng.choice(GENERIC_LOCALS)
                if rng.random() < 0.25
                else f"{ascii_name(first)}.{ascii_name(last)}.{self.tag}{n}"
            )
            sender = f"{local}@{domain}"
        subjects = SUBJECTS_EN if language == "en" else SUBJECTS_FR
        subject = rng.choice(subjects)
        if rng.random() < 0.03:
            subject = f"URGENT : {subject}" if language == "fr" else f"URGENT: {subject}"
        body = rng.choice(BODIES_EN if language == "en" else BODIES_FR)
        text = f"{body}\n\n-- \n{signature(name, f'Organisation {org}', language)}\n"
        html = None
        if rng.random() < 0.4:
            paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
            html = (
                f"<html><body>{paragraphs}<div class='signature'>{name}<br>Organisation {org}</div>"
                "</body></html>"
            )
        msg = self._base(sender=sender, name=name, subject=subject, at_offset=rng.randrange(600))
        return Mail("new", self._finish(msg, text, html))

    def reply(self, numbers: Sequence[int]) -> Mail:
        rng, desk = self.rng, self.desk
        number = rng.choice(numbers)
        req, subject_index = desk.tickets[number]
        org = req % ORGANISATIONS
        language = desk.language_of_org[org]
        sender = desk.requester_emails[req] if rng.random() < 0.9 else desk.org_admin_of[org]
        name = "Camille Martin"
        subject = subject_of(subject_index, language)
        ours = f"<comptoir.{number}.{rng.getrandbits(64):016x}@{desk.domain}>"
        if rng.random() < 0.8:
            prefix = rng.choice(["RE: ", "Re: ", "RE : "] if language == "fr" else ["RE: ", "Re: "])
            subject_line = f"{prefix}[#{number}] {subject}"
        else:
            subject_line = f"Re: {subject}"  # threaded by our Message-ID alone
        answer = rng.choice(ANSWERS_EN if language == "en" else ANSWERS_FR)
        original = BODIES_EN[0] if language == "en" else BODIES_FR[number % len(BODIES_FR)]
        quoted_agent = "\n".join(f"> {line}" if line else ">" for line in AGENT_ANSWER.splitlines())
        quoted_first = "\n".join(f">> {line}" if line else ">>" for line in original.splitlines())
        if language == "en":
            header = f"On Mon, 23 Nov 2026 at 10:12, Support <{MAILBOX}> wrote:"
        else:
            header = f"Le lun. 23 nov. 2026 à 10:12, Support <{MAILBOX}> a écrit :"
        text = (
            f"{answer}\n\n-- \n{signature(name, f'Organisation {org}', language)}\n\n"
            f"{header}\n{quoted_agent}\n>\n{quoted_first}\n"
        )
        html = None
        if rng.random() < 0.4:
            answer_html = "".join(f"<p>{p}</p>" for p in answer.split("\n\n"))
            agent_html = "".join(f"<p>{p}</p>" for p in AGENT_ANSWER.split("\n\n"))
            html = (
                f"<html><body><div dir='ltr'>{answer_html}<div>--<br>{name}</div></div>"
                f"<div class='gmail_quote'><div dir='ltr' class='gmail_attr'>{header}</div>"
                f"<blockquote class='gmail_quote'>{agent_html}</blockquote></div></body></html>"
            )
        msg = self._base(sender=sender, name=name, subject=subject_line, at_offset=rng.randrange(600))
        msg["In-Reply-To"] = ours
        msg["References"] = f"<{number}.{req}@client{org}.example> {ours}"
        return Mail("reply", self._finish(msg, text, html))

    def mix(self, count: int, numbers: Sequence[int]) -> list[Mail]:
        """Half new requests, half replies, interleaved."""
        return [self.new_request() if i % 2 == 0 else self.reply(numbers) for i in range(count)]


# -- running mails through the pipeline -------------------------------------------------


@dataclass
class Run:
    seconds: Counter[str] = field(default_factory=Counter)
    counts: Counter[str] = field(default_factory=Counter)
    statuses: Counter[tuple[str, str]] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    wall: float = 0.0

    def rate(self, kind: str) -> float:
        return self.counts[kind] / self.seconds[kind] if self.seconds[kind] else float("nan")

    def unexpected(self) -> list[str]:
        wanted = {"new": {"new_ticket"}, "reply": {"reply"}}
        return [
            f"{n} {LABEL[kind]} ended {status}"
            for (kind, status), n in sorted(self.statuses.items())
            if status not in wanted[kind]
        ]


def ingest_in_process(mails: Iterable[Mail]) -> Run:
    from comptoir.mail.inbound.pipeline import receive
    from comptoir.mail.models import InboundMail, Mailbox

    mailbox = Mailbox.objects.get(address=MAILBOX)
    run = Run()
    started = time.perf_counter()
    for mail in mails:
        t0 = time.perf_counter()
        outcome = receive(mail.raw, source=InboundMail.Source.PIPE, mailbox=mailbox)
        spent = time.perf_counter() - t0
        run.seconds[mail.kind] += spent
        run.latencies[mail.kind].append(spent)
        run.counts[mail.kind] += 1
        run.statuses[mail.kind, outcome.status] += 1
        if outcome.reason:
            run.reasons[outcome.reason[:120]] += 1
    run.wall = time.perf_counter() - started
    return run


def comptoir_command() -> list[str]:
    script = Path(sys.executable).with_name("comptoir")
    return [str(script)] if script.exists() else [sys.executable, "-m", "comptoir.cli"]


def write_files(mails: list[Mail], folder: Path) -> dict[str, list[str]]:
    """The mails as files, one list of paths per kind."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for i, mail in enumerate(mails):
        path = folder / f"{i:05d}-{mail.kind}.eml"
        path.write_bytes(mail.raw)
        files[mail.kind].append(str(path))
    return files


def ingest_command() -> list[str]:
    return [*comptoir_command(), "mail", "ingest", "--json", "--mailbox", MAILBOX]


def startup_seconds() -> float:
    """One process's start-up: Django set up and the mailbox looked up, then the command
    stops (exit 2: no mailbox has that address) before reading any mail. Best of 3."""
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run(  # noqa: S603
            [*ingest_command()[:-1], "nobody@startup.invalid"],
            capture_output=True,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        times.append(time.perf_counter() - t0)
    return min(times)


def ingest_cli(files: dict[str, list[str]], *, batch: int, processes: int = 1) -> Run:
    """``comptoir mail ingest --json`` over batches of files, one kind at a time, with up
    to ``processes`` commands running at once (as an MTA delivering to a pipe would)."""
    run = Run()
    started = time.perf_counter()
    for kind in KINDS:
        names = files[kind]
        chunks = [names[lo : lo + batch] for lo in range(0, len(names), batch)]
        t0 = time.perf_counter()
        running: list[subprocess.Popen[str]] = []
        while chunks or running:
            while chunks and len(running) < processes:
                running.append(
                    subprocess.Popen(  # noqa: S603
                        [*ingest_command(), *chunks.pop(0)],
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        text=True,
                    )
                )
            done = running.pop(0)
            out, err = done.communicate()
            if done.returncode not in (0, 1):
                raise SystemExit(f"comptoir mail ingest failed ({done.returncode}):\n{err[-3000:]}")
            for line in out.splitlines():
                outcome = json.loads(line)
                run.counts[kind] += 1
                run.statuses[kind, outcome["status"]] += 1
                if outcome["reason"]:
                    run.reasons[outcome["reason"][:120]] += 1
        run.seconds[kind] = time.perf_counter() - t0
    run.wall = time.perf_counter() - started
    return run


def parse_rates(mails: list[Mail]) -> dict[str, dict[str, float]]:
    """Mails/s of the standard library's parser and of ours, on the same bytes."""
    from django.conf import settings

    from comptoir.mail.parsing import parse

    limit = settings.COMPTOIR_MAX_ATTACHMENT_BYTES
    rates: dict[str, dict[str, float]] = {"email.message_from_bytes": {}, "comptoir.mail.parsing.parse": {}}
    for kind in KINDS:
        raws = [m.raw for m in mails if m.kind == kind]
        t0 = time.perf_counter()
        for raw in raws:
            email.message_from_bytes(raw)
        rates["email.message_from_bytes"][kind] = len(raws) / (time.perf_counter() - t0)
        t0 = time.perf_counter()
        for raw in raws:
            parse(raw, max_attachment_bytes=limit)
        rates["comptoir.mail.parsing.parse"][kind] = len(raws) / (time.perf_counter() - t0)
    return rates


# -- instruments ------------------------------------------------------------------------


@dataclass
class SqlRecorder:
    statements: list[tuple[str, float]] = field(default_factory=list)

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((sql, time.perf_counter() - t0))


def count_sql(mails: list[Mail]) -> dict[str, Any]:
    """Statements and database time per mail of each kind, and one mail's statements."""
    from django.db import connection

    from comptoir.mail.inbound.pipeline import receive
    from comptoir.mail.models import InboundMail, Mailbox

    mailbox = Mailbox.objects.get(address=MAILBOX)
    per_kind: dict[str, list[tuple[int, float, float]]] = {kind: [] for kind in KINDS}
    last: dict[str, SqlRecorder] = {}
    for mail in mails:
        recorder = SqlRecorder()
        t0 = time.perf_counter()
        with connection.execute_wrapper(recorder):
            receive(mail.raw, source=InboundMail.Source.PIPE, mailbox=mailbox)
        elapsed = time.perf_counter() - t0
        per_kind[mail.kind].append(
            (len(recorder.statements), sum(s for _q, s in recorder.statements), elapsed)
        )
        last[mail.kind] = recorder
    return {"per_kind": per_kind, "last": last}


def shorten(text: str, width: int = 150) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def profile(mails: list[Mail], *, top: int, title: str) -> None:
    from comptoir.mail.inbound.pipeline import receive
    from comptoir.mail.models import InboundMail, Mailbox

    mailbox = Mailbox.objects.get(address=MAILBOX)
    profiler = cProfile.Profile()
    profiler.enable()
    for mail in mails:
        receive(mail.raw, source=InboundMail.Source.PIPE, mailbox=mailbox)
    profiler.disable()
    stats = pstats.Stats(profiler)
    n = len(mails)
    rows = []
    for (filename, line, name), (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = filename
        for marker in ("site-packages/", "src/", "bench/", "lib/python3.12/"):
            if marker in filename:
                where = filename.split(marker, 1)[1]
                break
        rows.append((tottime, cumtime, ncalls, f"{where}:{line}({name})"))
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"\nProfile of {n} {title} (cProfile; {total / n * 1e3:.2f} ms per mail under it)")
    print("  where the time goes (cumulative; steps overlap where one calls another, › marks a part;")
    print("  cProfile slows Python calls more than waits, so database shares are understated):")
    for label, suffix, name in BREAKDOWN:
        cumulative = sum(
            cum
            for (filename, _line, fn), (_cc, _nc, _tt, cum, _callers) in stats.stats.items()  # type: ignore[attr-defined]
            if fn == name and filename.endswith(suffix)
        )
        if cumulative:
            print(f"    {cumulative / n * 1e3:7.2f} ms {cumulative / total * 100:4.0f} %  {label}")
    for heading, key in (("cumulative time", 1), ("own time", 0)):
        print(f"  top {top} by {heading}: ms/mail own, ms/mail cumulative, calls/mail, function")
        for tottime, cumtime, ncalls, where in sorted(rows, key=lambda r: r[key], reverse=True)[:top]:
            print(
                f"    {tottime / n * 1e3:7.3f} {cumtime / n * 1e3:8.3f} {ncalls / n:8.1f}  "
                f"{shorten(where, 110)}"
            )


# (label, end of the file name, function) of the steps a mail goes through.
BREAKDOWN = [
    ("receive(): the whole mail", "mail/inbound/pipeline.py", "receive"),
    ("_key(): Message-ID read from the headers", "mail/inbound/pipeline.py", "_key"),
    ("parse(): the pure parser, all of it", "mail/parsing/mime.py", "parse"),
    ("parse › extract_reply(): visible text", "mail/parsing/reply.py", "extract_reply"),
    ("parse › extract_html_reply(): visible HTML", "mail/parsing/html_reply.py", "extract_html_reply"),
    ("parse › sanitise_html() (nh3)", "mail/parsing/sanitize.py", "sanitise_html"),
    ("parse › classify(): bounce, automatic reply", "mail/parsing/classify.py", "classify"),
    ("_our_addresses(): SELECT of the mailboxes", "mail/inbound/pipeline.py", "_our_addresses"),
    ("find_user(): the sender by address (iexact)", "mail/inbound/senders.py", "find_user"),
    ("create_requester(): an unknown sender", "mail/inbound/senders.py", "create_requester"),
    ("_ticket_answered(): the ticket by number", "mail/inbound/pipeline.py", "_ticket_answered"),
    ("_active_products(): the catalogue", "mail/inbound/pipeline.py", "_active_products"),
    ("_recent_auto_answers(): the rate limit", "mail/inbound/pipeline.py", "_recent_auto_answers"),
    ("open_ticket(), all of it", "tickets/services/intake.py", "open_ticket"),
    ("reply(), all of it", "tickets/services/conversation.py", "reply"),
    ("reply › lock(): SELECT … FOR UPDATE", "tickets/services/_common.py", "lock"),
    ("reply › store(): events, SLA, ticket, outbox", "tickets/services/_common.py", "store"),
    ("SLA plan_story()", "sla/services.py", "plan_story"),
    ("SLA refresh_clocks(): history read again", "sla/services.py", "refresh_clocks"),
    ("SLA write_clocks()", "sla/services.py", "write_clocks"),
    ("acknowledgement(): the mail rendered", "tickets/notifications.py", "acknowledgement"),
    ("requester_replied(): the mail rendered", "tickets/notifications.py", "requester_replied"),
    ("attach(): files to storage", "tickets/attachments.py", "attach"),
    ("outbox.enqueue()", "core/outbox.py", "enqueue"),
    ("_finish(): UPDATE of the received mail", "mail/inbound/pipeline.py", "_finish"),
    ("COMMITs", "django/db/backends/base/base.py", "commit"),
]


def maxrss_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


def traced_peak(mails: list[Mail]) -> float:
    """Peak of Python allocations (MiB) while ingesting ``mails`` (slow: not timed)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    ingest_in_process(mails)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


# -- report -----------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def print_run(title: str, run: Run, extra: Callable[[str], str] = lambda kind: "") -> None:
    print(f"\n{title}  ({run.wall:.1f} s wall)")
    for kind in KINDS:
        if run.counts[kind]:
            print(
                f"  {LABEL[kind]:<18} {run.rate(kind):8.0f} /s   "
                f"({run.counts[kind]} in {run.seconds[kind]:.1f} s, "
                f"{run.seconds[kind] / run.counts[kind] * 1e3:.2f} ms each{latency(run, kind)}){extra(kind)}"
            )
    for line in run.unexpected():
        print(f"  ! {line}")
    for reason, n in run.reasons.most_common(5):
        print(f"  ! reason ×{n}: {reason}")


def latency(run: Run, kind: str) -> str:
    values = run.latencies[kind]
    if not values:
        return ""
    return (
        f"; p50 {harness.percentile(values, 50) * 1e3:.2f} ms, "
        f"p95 {harness.percentile(values, 95) * 1e3:.2f} ms"
    )


def table_sizes() -> str:
    from comptoir.accounts.models import User
    from comptoir.mail.models import InboundMail
    from comptoir.tickets.models import Message, Ticket

    return (
        f"{Ticket.objects.count()} tickets, {Message.objects.count()} messages, "
        f"{User.objects.count()} users, {InboundMail.objects.count()} received mails"
    )


def run(args: argparse.Namespace) -> None:
    var = harness.var_dir("bench-mail")
    url = None
    if args.db == "postgresql":
        url = args.database_url
        if not harness.database_name(url).startswith(DB_PREFIX):
            raise SystemExit(f"refusing: the database name must start with {DB_PREFIX}")
        harness.ensure_postgres_database(url, fresh=True)
    harness.configure_django(var=var, database_url=url)
    harness.migrate()
    from django.db import connection

    # A quarantined mail logs its traceback; the runs count the outcomes and print the
    # reasons instead of thousands of log lines.
    logging.getLogger("comptoir.mail.inbound.pipeline").setLevel(logging.CRITICAL)
    print(f"\n=== bench_mail_ingest — {connection.vendor} ===")
    harness.print_machine()
    print(f"  {'var dir':<20} {var}")
    import comptoir

    # The tree measured: a PYTHONPATH snapshot (e.g. `git archive HEAD src`) keeps a long
    # run on one revision while others commit.
    print(f"  {'code':<20} {Path(comptoir.__file__).resolve().parent}")
    desk = make_desk(sla=args.sla)
    print(f"  {'SLA':<20} {desk.sla}")
    rng = random.Random(args.seed)
    maker = MailMaker(desk, seed=args.seed + 1, tag="p")

    print("\nData")
    seconds = load_tickets(desk, args.small, rng=rng)
    print(f"  loaded {args.small} tickets in {seconds:.1f} s: {table_sizes()}")
    small_open = list(desk.open_numbers)
    # Warm-up (imports, caches, the first connection, the pages of the tables), not measured.
    ingest_in_process(maker.mix(50, small_open))
    ingest_in_process([maker.reply(small_open) for _ in range(args.warmup)])
    probe_small = ingest_in_process([maker.reply(small_open) for _ in range(args.probe)])
    print_run(f"Replies at {args.small} existing tickets (in-process)", probe_small)

    seconds = load_tickets(desk, args.tickets, rng=rng)
    print(f"\n  loaded up to {args.tickets} tickets in {seconds:.1f} s: {table_sizes()}")
    ingest_in_process([maker.reply(desk.open_numbers) for _ in range(args.warmup)])
    probe_large = ingest_in_process([maker.reply(desk.open_numbers) for _ in range(args.probe)])
    print_run(f"Replies at {args.tickets} existing tickets (in-process)", probe_large)

    rss_before = maxrss_mib(resource.RUSAGE_SELF)
    main_run = ingest_in_process(maker.mix(args.messages, desk.open_numbers))
    print_run(
        f"{args.messages} mails through receive() in this process, over {args.tickets}+ tickets",
        main_run,
    )

    cli_mails = MailMaker(desk, seed=args.seed + 2, tag="c").mix(args.messages, desk.open_numbers)
    startup = startup_seconds()
    cli_run = ingest_cli(write_files(cli_mails, var / "spool"), batch=args.batch)
    batches = {k: -(-cli_run.counts[k] // args.batch) for k in KINDS}

    def without_startup(kind: str) -> str:
        net = cli_run.seconds[kind] - batches[kind] * startup
        return f"; without the start-up: {cli_run.counts[kind] / net:.0f} /s" if net > 0 else ""

    print_run(
        f"{args.messages} mails through `comptoir mail ingest --json`, {args.batch} files per process",
        cli_run,
        without_startup,
    )
    print(f"  process start-up     {startup * 1e3:.0f} ms (Django set up, one query, no mail; best of 3)")
    if args.processes > 1:
        more = MailMaker(desk, seed=args.seed + 6, tag="q").mix(args.messages, desk.open_numbers)
        parallel = ingest_cli(
            write_files(more, var / "spool-parallel"), batch=args.batch, processes=args.processes
        )
        print_run(
            f"{args.messages} more mails, {args.processes} `comptoir mail ingest` processes at once "
            f"({os.cpu_count()} CPUs, the database server on the same machine)",
            parallel,
        )

    rates = parse_rates(cli_mails)
    print("\nParsing alone, same mails as the command (no database)")
    for parser_name, by_kind in rates.items():
        print(f"  {parser_name:<28} " + ", ".join(f"{LABEL[k]} {by_kind[k]:8.0f} /s" for k in KINDS))

    sample = MailMaker(desk, seed=args.seed + 3, tag="s").mix(2 * args.sample, desk.open_numbers)
    sql = count_sql(sample)
    print(f"\nSQL per mail (sample of {args.sample} of each kind)")
    for kind in KINDS:
        rows = sql["per_kind"][kind]
        queries = sum(r[0] for r in rows) / len(rows)
        db = sum(r[1] for r in rows) / len(rows)
        total = sum(r[2] for r in rows) / len(rows)
        print(
            f"  {LABEL[kind]:<18} {queries:5.1f} statements, {db * 1e3:.2f} ms in the database "
            f"of {total * 1e3:.2f} ms ({db / total * 100:.0f} %)"
        )
    for kind in KINDS:
        print(f"  statements of one of the {LABEL[kind]}:")
        for statement, spent in sql["last"][kind].statements:
            print(f"    {spent * 1e3:6.2f} ms  {shorten(statement)}")

    peak = traced_peak(
        MailMaker(desk, seed=args.seed + 4, tag="m").mix(args.memory_sample, desk.open_numbers)
    )
    print("\nMemory")
    print(
        f"  this process         peak RSS {maxrss_mib(resource.RUSAGE_SELF):.0f} MiB "
        f"(after loading the tickets, before the in-process run: {rss_before:.0f} MiB)"
    )
    print(
        f"  comptoir mail ingest peak RSS {maxrss_mib(resource.RUSAGE_CHILDREN):.0f} MiB "
        f"(the largest process, {args.batch} files)"
    )
    print(f"  tracemalloc          peak {peak:.1f} MiB of Python allocations over {args.memory_sample} mails")
    print(f"  check: {table_sizes()}")

    small_p50 = harness.percentile(probe_small.latencies["reply"], 50)
    large_p50 = harness.percentile(probe_large.latencies["reply"], 50)
    # The median, not the mean: the machine is shared, and a burst of someone else's work
    # moves the mean of a 2,000-mail probe more than the table size does.
    flat = small_p50 / large_p50
    print("\nTargets")
    if connection.vendor == "postgresql":
        new_rate, reply_rate = main_run.rate("new"), main_run.rate("reply")
        print(
            f"  new-request mails/s at {args.tickets}+ tickets  {new_rate:.0f} (≥ {TARGET_NEW_PER_S})  "
            f"{verdict(new_rate >= TARGET_NEW_PER_S)}"
        )
        print(
            f"  replies/s at {args.tickets}+ tickets            {reply_rate:.0f} (≥ {TARGET_REPLIES_PER_S})  "
            f"{verdict(reply_rate >= TARGET_REPLIES_PER_S)}"
        )
        missed = new_rate < TARGET_NEW_PER_S or reply_rate < TARGET_REPLIES_PER_S
    else:
        print(
            f"  (the rate targets are for PostgreSQL; here {main_run.rate('new'):.0f} and "
            f"{main_run.rate('reply'):.0f} /s)"
        )
        missed = False
    print(
        f"  replies, {args.small} → {args.tickets} tickets  p50 {small_p50 * 1e3:.2f} → "
        f"{large_p50 * 1e3:.2f} ms, {probe_small.rate('reply'):.0f} → {probe_large.rate('reply'):.0f} /s "
        f"(median rate {(flat - 1) * 100:+.0f} %, flat within ±{FLAT_TOLERANCE * 100:.0f} %)  "
        f"{verdict(flat >= 1 - FLAT_TOLERANCE)}"
    )
    if args.profile or missed:
        profiler_maker = MailMaker(desk, seed=args.seed + 5, tag="f")
        news = [profiler_maker.new_request() for _ in range(args.profile_messages)]
        replies = [profiler_maker.reply(desk.open_numbers) for _ in range(args.profile_messages)]
        profile(news, top=args.top, title=LABEL["new"])
        profile(replies, top=args.top, title=LABEL["reply"])
    for spool in ("spool", "spool-parallel"):
        shutil.rmtree(var / spool, ignore_errors=True)
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.db != "both":
        run(args)
        return
    rest = [a for i, a in enumerate(argv) if not a.startswith("--db") and (i == 0 or argv[i - 1] != "--db")]
    for db in ("sqlite", "postgresql"):
        # One process per database: Django's settings are read once per process.
        subprocess.run([sys.executable, __file__, "--db", db, *rest], check=False)  # noqa: S603


if __name__ == "__main__":
    main()
