from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from comptoir.core.clock import now as clock_now
from comptoir.tickets.vocabulary import Channel

LANGUAGES = ("fr", "en")


def other_language(language: str) -> str:
    return "en" if language == "fr" else "fr"


def reader_language(code: str | None) -> str:
    """``fr`` or ``en`` from a Django language code (``fr-be``, ``en-gb``, None…)."""
    short = (code or "fr")[:2].lower()
    return short if short in LANGUAGES else "fr"


class Category(models.Model):
    """A chapter of the guide (e.g. "WordPress sites", "Newsletters with Mailpoet")."""

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    description_fr = models.CharField(_("description (French)"), max_length=300, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("guide category")
        verbose_name_plural = _("guide categories")
        ordering = ["position", "name_fr", "pk"]

    def __str__(self) -> str:
        return self.name_fr

    def name_for(self, language: str) -> str:
        return (self.name_en if language == "en" else self.name_fr) or self.name_fr

    def description_for(self, language: str) -> str:
        return (self.description_en if language == "en" else self.description_fr) or self.description_fr


@dataclass(frozen=True)
class Version:
    """The text a reader gets: in their language, or the other one (``is_fallback``)."""

    language: str
    title: str
    body: str
    is_fallback: bool


class Article(models.Model):
    """A page of the guide, in French and/or English (Markdown). Readers see published
    articles their visibility allows; the search index follows every change made through
    ``kb.services.save_article``."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone, without signing in")
        SIGNED_IN = "signed_in", _("Signed-in people")
        ORGANISATIONS = "organisations", _("Only the organisations chosen below")

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="articles"
    )
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    body_fr = models.TextField(_("text (French)"), blank=True, help_text=_("Markdown."))
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body_en = models.TextField(_("text (English)"), blank=True, help_text=_("Markdown."))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    visibility = models.CharField(
        _("visible to"), max_length=16, choices=Visibility, default=Visibility.SIGNED_IN
    )
    organisations = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("organisations"),
        blank=True,
        related_name="kb_articles",
        help_text=_("Used when the article is visible only to some organisations."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created"), default=clock_now)
    updated_at = models.DateTimeField(_("updated"), default=clock_now)
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)

    class Meta:
        verbose_name = _("guide article")
        verbose_name_plural = _("guide articles")
        ordering = ["position", "title_fr", "pk"]
        indexes = [
            models.Index(fields=["category", "status", "position"], name="kb_article_category_idx"),
            # What a reader may find (kb.selectors.readable_articles), read by every search.
            models.Index(fields=["status", "visibility"], name="kb_article_visible_idx"),
        ]

    def __str__(self) -> str:
        return self.title_fr or self.title_en or self.slug

    def has_version(self, language: str) -> bool:
        title, body = (self.title_en, self.body_en) if language == "en" else (self.title_fr, self.body_fr)
        return bool(title.strip() and body.strip())

    @property
    def languages(self) -> list[str]:
        return [lang for lang in LANGUAGES if self.has_version(lang)]

    def version(self, language: str) -> Version:
        """The reader's language if written, else the other one."""
        chosen = language if self.has_version(language) else other_language(language)
        if not self.has_version(chosen):
            chosen = language
        if chosen == "en":
            return Version("en", self.title_en, self.body_en, chosen != language)
        return Version("fr", self.title_fr, self.body_fr, chosen != language)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ArticleAttachment(models.Model):
    """A file offered with an article (e.g. the editing guide in PDF). Served only through
    a view that checks the reader may read the article, never from a public URL."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="kb/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    label = models.CharField(_("label"), max_length=200, blank=True, help_text=_("Empty: the file name."))
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("article file")
        verbose_name_plural = _("article files")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label or self.filename


class ArticleVote(models.Model):
    """One reader's answer to "Was this article helpful?" (they may change their mind)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    session_key = models.CharField(max_length=40, blank=True)
    helpful = models.BooleanField(_("helpful"))
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("article vote")
        verbose_name_plural = _("article votes")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"], condition=Q(user__isnull=False), name="kb_vote_once_per_user"
            ),
            models.UniqueConstraint(
                fields=["article", "session_key"],
                condition=Q(user__isnull=True),
                name="kb_vote_once_per_visitor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article} · {'+' if self.helpful else '-'}"


class Deflection(models.Model):
    """A request that was not sent: the requester said an article of the guide solved their
    problem (procedure 000). Reports count them per article, organisation and period."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.PROTECT, related_name="deflections"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    query = models.CharField(_("what they typed"), max_length=250, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel, default=Channel.PORTAL)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("deflected request")
        verbose_name_plural = _("deflected requests")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["at"], name="kb_deflection_at_idx"),
            models.Index(fields=["organisation", "at"], name="kb_deflection_org_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.article} · {self.at:%Y-%m-%d %H:%M}"
