"""Storing files that come with a message: size limit, type sniffed from content."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from comptoir.core.errors import ValidationError
from comptoir.tickets.models import Attachment, Message, Ticket
from comptoir.tickets.sniffing import sniff


@dataclass(frozen=True)
class IncomingFile:
    filename: str
    content: bytes


def clean_filename(name: str) -> str:
    base = PurePath(name.replace("\\", "/")).name.strip().replace("\x00", "")
    return base[:200] or "attachment"


def check_files(files: list[IncomingFile], ticket: Ticket | None = None) -> None:
    """Each file, the files of one message together, and the ticket's files over its life
    within their limits; else a ValidationError saying which limit."""
    limit = settings.COMPTOIR_MAX_ATTACHMENT_BYTES
    for f in files:
        if len(f.content) > limit:
            raise ValidationError(
                _("“%(name)s” is too large (%(size)s; the limit is %(limit)s).")
                % {
                    "name": clean_filename(f.filename),
                    "size": filesizeformat(len(f.content)),
                    "limit": filesizeformat(limit),
                }
            )
    total = sum(len(f.content) for f in files)
    if total > settings.COMPTOIR_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The files together are too large (%(size)s; the limit is %(limit)s for one message).")
            % {"size": filesizeformat(total), "limit": filesizeformat(settings.COMPTOIR_MAX_UPLOAD_BYTES)}
        )
    if files and within_limits(files, ticket)[1]:
        raise ValidationError(
            _("This request already holds all the files it may (%(limit)s): attach fewer or smaller ones.")
            % {"limit": filesizeformat(settings.COMPTOIR_MAX_TICKET_FILES_BYTES)}
        )


def within_limits(
    files: list[IncomingFile], ticket: Ticket | None = None
) -> tuple[list[IncomingFile], list[IncomingFile]]:
    """The files that fit, in order, within the message's and the ticket's totals, and the
    others."""
    room = settings.COMPTOIR_MAX_UPLOAD_BYTES
    if ticket is not None and ticket.pk is not None:
        held = ticket.attachments.aggregate(total=Sum("size"))["total"] or 0
        room = min(room, settings.COMPTOIR_MAX_TICKET_FILES_BYTES - held)
    kept: list[IncomingFile] = []
    refused: list[IncomingFile] = []
    for f in files:
        if len(f.content) <= room:
            kept.append(f)
            room -= len(f.content)
        else:
            refused.append(f)
    return kept, refused


def attach(ticket: Ticket, message: Message, files: list[IncomingFile], *, at: datetime) -> list[Attachment]:
    """Store the files (checked by ``check_files`` before the transaction began)."""
    stored = []
    for f in files:
        digest = hashlib.sha256(f.content).hexdigest()
        name = clean_filename(f.filename)
        attachment = Attachment(
            ticket=ticket,
            message=message,
            filename=name,
            content_type=sniff(f.content[:2048], name),
            size=len(f.content),
            sha256=digest,
            created_at=at,
        )
        attachment.file.save(name, ContentFile(f.content), save=False)
        attachment.save(force_insert=True)
        stored.append(attachment)
    return stored
