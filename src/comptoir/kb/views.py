"""The guide's pages, open to everyone for public articles: parse, call a selector or a
service, render. An article or a file one may not read is "not found"."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from comptoir.core.errors import ComptoirError, NotFound
from comptoir.kb import rendering, search, selectors, services
from comptoir.kb.models import Article, ArticleVote, reader_language

SUGGESTIONS = 3
RESULTS = 20
# Types a browser shows without running anything; everything else is downloaded.
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}


def _language() -> str:
    return reader_language(translation.get_language())


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() else 1


def _article_or_404(request: HttpRequest, slug: str) -> Article:
    try:
        return selectors.article_for(request.user, slug)
    except NotFound:
        raise Http404(_("No such article.")) from None


def _session_key(request: HttpRequest) -> str:
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key or ""


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "kb/home.html",
        {"categories": selectors.categories_for(request.user), "language": _language()},
    )


def category(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        found, page = selectors.category_page(request.user, slug, page=_page_number(request))
    except NotFound:
        raise Http404(_("No such category.")) from None
    return render(request, "kb/category.html", {"category": found, "page": page, "language": _language()})


def article(request: HttpRequest, slug: str) -> HttpResponse:
    found = _article_or_404(request, slug)
    version = found.version(_language())
    return render(
        request,
        "kb/article.html",
        {
            "article": found,
            "version": version,
            "body": rendering.to_html(version.body),
            "category_name": found.category.name_for(_language()),
            "vote": _my_vote(request, found),
        },
    )


def _my_vote(request: HttpRequest, found: Article) -> ArticleVote | None:
    if request.user.is_authenticated:
        return ArticleVote.objects.filter(article=found, user=request.user).first()
    if request.session.session_key:
        return ArticleVote.objects.filter(
            article=found, user__isnull=True, session_key=request.session.session_key
        ).first()
    return None


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    hits = search.search(query, user=request.user, language=_language(), limit=RESULTS)
    partial = False
    if query and not hits:
        # No article has every word: offer those that have some of them, and say so.
        hits = search.search(query, user=request.user, language=_language(), limit=RESULTS, any_word=True)
        partial = bool(hits)
    return render(request, "kb/search.html", {"query": query, "hits": hits, "partial": partial})


@require_GET
def suggestions(request: HttpRequest) -> HttpResponse:
    """Articles matching the subject a requester is typing on the new-request form (htmx)."""
    query = (request.GET.get("subject") or request.GET.get("q") or "").strip()
    hits = search.search(query, user=request.user, language=_language(), limit=SUGGESTIONS, any_word=True)
    return render(request, "kb/_suggestions.html", {"hits": hits, "query": query})


@require_POST
def helpful(request: HttpRequest, slug: str) -> HttpResponse:
    found = _article_or_404(request, slug)
    answer = request.POST.get("helpful")
    if answer not in {"yes", "no"}:
        return HttpResponse(status=400)
    try:
        vote = services.record_vote(
            found, user=request.user, session_key=_session_key(request), helpful=answer == "yes"
        )
    except ComptoirError as exc:
        if request.htmx:
            return render(request, "kb/_helpful.html", {"article": found, "error": exc.message}, status=400)
        messages.error(request, exc.message)
        return redirect("kb:article", slug=slug)
    if request.htmx:
        return render(request, "kb/_helpful.html", {"article": found, "vote": vote, "thanked": True})
    messages.success(request, _("Thank you for your opinion."))
    return redirect("kb:article", slug=slug)


@require_POST
def solved(request: HttpRequest, slug: str) -> HttpResponse:
    """The "this solved my problem" button of a suggestion: counted as a deflected request; nothing
    is sent to the support team."""
    found = _article_or_404(request, slug)
    try:
        services.record_deflection(found, user=request.user, query=request.POST.get("query", ""))
    except ComptoirError as exc:
        messages.error(request, exc.message)
        return redirect("kb:article", slug=slug)
    context = {"article": found, "version": found.version(_language())}
    return render(request, "kb/_solved.html" if request.htmx else "kb/solved.html", context)


def attachment(request: HttpRequest, pk: int, filename: str) -> FileResponse:
    try:
        item = selectors.attachment_for(request.user, pk, filename)
    except NotFound:
        raise Http404 from None
    inline = item.content_type in INLINE_TYPES
    response = FileResponse(
        item.file.open("rb"), as_attachment=not inline, filename=item.filename, content_type=item.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
