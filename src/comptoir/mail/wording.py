"""Administrators' own wording of notifications (MailTemplate), cached per process for a
short while like SLA policies; the built-in templates apply where there is none."""

from __future__ import annotations

import threading
import time

from django.template import Context, Engine, Template, TemplateSyntaxError

TTL = 30.0
_lock = threading.Lock()
_cache: dict[str, object] = {}


def forget() -> None:
    with _lock:
        _cache.clear()


def _overrides() -> dict[tuple[str, str], tuple[Template, Template]]:
    with _lock:
        if _cache and time.monotonic() - float(_cache["at"]) < TTL:  # type: ignore[arg-type]
            return _cache["rows"]  # type: ignore[return-value]
    from comptoir.mail.models import MailTemplate

    engine = Engine.get_default()
    rows: dict[tuple[str, str], tuple[Template, Template]] = {}
    for t in MailTemplate.objects.filter(is_active=True):
        try:
            rows[(t.key, t.language)] = (
                engine.from_string("{% load i18n %}" + t.subject),
                engine.from_string("{% load i18n %}{% autoescape off %}" + t.body + "{% endautoescape %}"),
            )
        except TemplateSyntaxError:
            continue  # the admin form refuses these; a broken row must not stop mail
    with _lock:
        _cache["rows"], _cache["at"] = rows, time.monotonic()
    return rows


def render(key: str, language: str, context: dict[str, object]) -> tuple[str, str] | None:
    """(subject, body) from an administrator's template, or None for the built-in one."""
    found = _overrides().get((key, language))
    if found is None:
        return None
    subject, body = found
    ctx = Context(context, autoescape=False)
    return " ".join(subject.render(ctx).split()), body.render(ctx)
