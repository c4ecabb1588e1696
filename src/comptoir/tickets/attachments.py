"""Storing files that come with a message: size limit, type sniffed from content."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
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


def check_files(files: list[IncomingFile]) -> None:
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
