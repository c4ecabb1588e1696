"""Changes to the guide. Every change of an article goes through ``save_article`` or
``delete_article``, which keep the search index in step in the same transaction (no
signals: an article saved elsewhere is not re-indexed until ``reindex_all``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.core.clock import now as clock_now
from comptoir.core.errors import ValidationError
from comptoir.kb import search
from comptoir.kb.models import Article, ArticleAttachment, ArticleVote, Deflection
from comptoir.tickets.attachments import clean_filename
from comptoir.tickets.sniffing import sniff
from comptoir.tickets.vocabulary import Channel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from comptoir.accounts.models import User


def check_article(article: Article) -> None:
    """An article has at least one complete version (title and text), and each version it
    starts has both."""
    for title, body, incomplete in (
        (article.title_fr, article.body_fr, _("The French version needs both a title and a text.")),
        (article.title_en, article.body_en, _("The English version needs both a title and a text.")),
    ):
        if bool(title.strip()) != bool(body.strip()):
            raise ValidationError(incomplete)
    if not article.languages:
        raise ValidationError(_("Write the article in French, in English or in both."))


def save_article(article: Article, *, at: datetime | None = None) -> Article:
    """Procedure 000: the guide that requesters check before opening a ticket. Saves the
    article and its search index together: a published article is found at once, a draft
    never. Stamps the first publication."""
    check_article(article)
    at = at or clock_now()
    article.updated_at = at
    if article.status == Article.Status.PUBLISHED and article.published_at is None:
        article.published_at = at
    with transaction.atomic():
        article.save()
        search.index_article(article)
    return article


def delete_article(article: Article) -> None:
    """Removes the article and its index entries. An article that already answered
    requests is kept for the reports (``ProtectedError``): unpublish it instead."""
    pk = article.pk
    with transaction.atomic():
        article.delete()
        search.forget_article(pk)


def reindex_all() -> int:
    """Rebuild every article's index entries (after a bulk import, or a restore)."""
    count = 0
    with transaction.atomic():
        for article in Article.objects.order_by("pk").iterator(chunk_size=500):
            search.index_article(article)
            count += 1
    return count


def _describe(attachment: ArticleAttachment, name: str, head: bytes, size: int) -> None:
    attachment.filename = clean_filename(name)
    attachment.content_type = sniff(head, attachment.filename)
    attachment.size = size


def add_attachment(article: Article, *, filename: str, content: bytes, label: str = "") -> ArticleAttachment:
    """A file offered with the article (e.g. the editing guide in PDF)."""
    attachment = ArticleAttachment(article=article, label=label)
    _describe(attachment, filename, content[:2048], len(content))
    attachment.file.save(attachment.filename, ContentFile(content), save=False)
    attachment.save(force_insert=True)
    return attachment


def store_attachment(attachment: ArticleAttachment) -> ArticleAttachment:
    """Save a file uploaded in the configuration pages, with its name, size and the type
    read from its content (never the type the browser claimed)."""
    upload = attachment.file
    if upload and not getattr(upload, "_committed", True):
        head = upload.read(2048)
        upload.seek(0)
        _describe(attachment, upload.name or "", head, upload.size)
    attachment.save()
    return attachment


def record_vote(
    article: Article,
    *,
    user: User | AnonymousUser,
    session_key: str,
    helpful: bool,
    at: datetime | None = None,
) -> ArticleVote:
    """Answers to "was this article helpful?": one answer per reader (signed in: per person; otherwise
    per browser session), the latest one counts."""
    if not article.is_published:
        raise ValidationError(_("This article is not published."))
    at = at or clock_now()
    if user.is_authenticated:
        who: dict[str, Any] = {"user": user, "session_key": ""}
    elif session_key:
        who = {"user": None, "session_key": session_key}
    else:
        raise ValidationError(_("Your browser must accept cookies to give your opinion."))
    vote, _created = ArticleVote.objects.update_or_create(
        defaults={"helpful": helpful, "at": at}, article=article, **who
    )
    return vote


def record_deflection(
    article: Article,
    *,
    user: User | AnonymousUser,
    query: str,
    channel: str = Channel.PORTAL,
    at: datetime | None = None,
) -> Deflection:
    """Procedure 000 ("check the guide before opening a ticket"): the requester says this
    article solved their problem, so no ticket is opened; the deflection is counted with
    who, their organisation, what they had typed and the article. The caller found the
    article through ``kb.selectors``, so the reader may read it."""
    if not article.is_published:
        raise ValidationError(_("This article is not published."))
    signed_in = user if user.is_authenticated else None
    return Deflection.objects.create(
        article=article,
        user=signed_in,
        organisation_id=getattr(signed_in, "organisation_id", None),
        query=" ".join(query.split())[:250],
        channel=channel,
        at=at or clock_now(),
    )
