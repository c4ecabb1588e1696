"""Attachments are served only to people who may see their message: never from a public
media URL. Types that a browser could run (HTML, SVG…) are always downloaded, not shown."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest

from comptoir.tickets.models import Attachment
from comptoir.tickets.permissions import can_view

INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}


@login_required
def attachment(request: HttpRequest, pk: int, filename: str) -> FileResponse:
    try:
        item = Attachment.objects.select_related("ticket", "message").get(pk=pk, filename=filename)
    except Attachment.DoesNotExist:
        raise Http404 from None
    if not can_view(request.user, item.ticket):
        raise Http404
    if item.message.is_internal and not request.user.is_staff_member:
        raise Http404
    inline = item.content_type in INLINE_TYPES
    response = FileResponse(
        item.file.open("rb"), as_attachment=not inline, filename=item.filename, content_type=item.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
