"""Writing the guide in the configuration pages. Saving and deleting go through
``kb.services`` so the search index follows."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comptoir.core.errors import ComptoirError
from comptoir.kb import services
from comptoir.kb.models import Article, ArticleAttachment, Category, Deflection


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "name_en", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name_fr"]}
    search_fields = ["name_fr", "name_en"]


class AttachmentInline(admin.TabularInline):
    model = ArticleAttachment
    fields = ["file", "label", "position", "filename", "content_type", "size"]
    readonly_fields = ["filename", "content_type", "size"]
    extra = 0


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "category",
            "slug",
            "status",
            "position",
            "title_fr",
            "body_fr",
            "title_en",
            "body_en",
            "visibility",
            "organisations",
        ]

    def _post_clean(self) -> None:
        super()._post_clean()
        try:
            services.check_article(self.instance)
        except ComptoirError as exc:
            self.add_error(None, exc.message)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    list_display = [
        "__str__",
        "category",
        "status",
        "visibility",
        "helpful_count",
        "unhelpful_count",
        "deflection_count",
        "updated_at",
    ]
    list_filter = ["status", "visibility", "category"]
    search_fields = ["title_fr", "title_en", "slug"]
    prepopulated_fields = {"slug": ["title_fr"]}
    filter_horizontal = ["organisations"]
    readonly_fields = ["created_at", "updated_at", "published_at"]
    inlines = [AttachmentInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["category", "slug", "status", "position"]}),
        (_("French"), {"fields": ["title_fr", "body_fr"]}),
        (_("English"), {"fields": ["title_en", "body_en"]}),
        (_("Who may read it"), {"fields": ["visibility", "organisations"]}),
        (_("History"), {"fields": ["created_at", "updated_at", "published_at"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return (
            super()
            .get_queryset(request)
            .select_related("category")
            .annotate(
                helpful_votes=Count("votes", filter=Q(votes__helpful=True), distinct=True),
                unhelpful_votes=Count("votes", filter=Q(votes__helpful=False), distinct=True),
                deflected=Count("deflections", distinct=True),
            )
        )

    @admin.display(description=_("helpful"), ordering="helpful_votes")
    def helpful_count(self, obj: Article) -> int:
        return obj.helpful_votes  # type: ignore[attr-defined]

    @admin.display(description=_("not helpful"), ordering="unhelpful_votes")
    def unhelpful_count(self, obj: Article) -> int:
        return obj.unhelpful_votes  # type: ignore[attr-defined]

    @admin.display(description=_("requests avoided"), ordering="deflected")
    def deflection_count(self, obj: Article) -> int:
        return obj.deflected  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Article, form: object, change: bool) -> None:
        services.save_article(obj)

    def save_formset(self, request: HttpRequest, form: object, formset: object, change: bool) -> None:
        instances = formset.save(commit=False)  # type: ignore[attr-defined]
        for gone in formset.deleted_objects:  # type: ignore[attr-defined]
            gone.delete()
        for instance in instances:
            services.store_attachment(instance)
        formset.save_m2m()  # type: ignore[attr-defined]

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        services.delete_article(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        for article in queryset:
            services.delete_article(article)

    def _set_status(self, request: HttpRequest, queryset: QuerySet[Article], status: str) -> None:
        done = 0
        for article in queryset:
            article.status = status
            try:
                services.save_article(article)
            except ComptoirError as exc:
                self.message_user(request, f"{article}: {exc.message}", messages.ERROR)
            else:
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d article updated.", "%(count)d articles updated.", done) % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Publish the selected articles"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self._set_status(request, queryset, Article.Status.PUBLISHED)

    @admin.action(description=_("Put the selected articles back to draft"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self._set_status(request, queryset, Article.Status.DRAFT)


@admin.register(Deflection)
class DeflectionAdmin(admin.ModelAdmin):
    """Read only: the requests the guide answered, for reports."""

    list_display = ["at", "article", "organisation", "user", "query", "channel"]
    list_filter = ["channel", "organisation"]
    search_fields = ["query"]
    date_hierarchy = "at"
    list_select_related = ["article", "organisation", "user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
