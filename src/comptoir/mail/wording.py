"""Administrators' own wording of notifications (MailTemplate), cached per process for a
short while like SLA policies; the built-in templates apply where there is none."""

from __future__ import annotations

from django.template import Context, Engine, Template, TemplateSyntaxError

from comptoir.core.cache import ProcessCache


def forget() -> None:
    _overrides_cache.forget()


def _overrides() -> dict[tuple[str, str], tuple[Template, Template]]:
    return _overrides_cache.get()


def _load_overrides() -> dict[tuple[str, str], tuple[Template, Template]]:
    from comptoir.mail.models import MailTemplate

    engine = Engine.get_default()
    rows: dict[tuple[str, str], tuple[Template, Template]] = {}
    for t in MailTemplate.objects.filter(is_active=True):
        try:
            rows[(t.key, t.language)] = (
                engine.from_string("{% load i18n %}{% autoescape off %}" + t.subject + "{% endautoescape %}"),
                engine.from_string("{% load i18n %}{% autoescape off %}" + t.body + "{% endautoescape %}"),
            )
        except TemplateSyntaxError:
            continue  # the admin form refuses these; a broken row must not stop mail
    return rows


_overrides_cache: ProcessCache[dict[tuple[str, str], tuple[Template, Template]]] = ProcessCache(
    _load_overrides
)


def render(key: str, language: str, context: dict[str, object]) -> tuple[str, str] | None:
    """(subject, body) from an administrator's template, or None for the built-in one."""
    found = _overrides().get((key, language))
    if found is None:
        return None
    subject, body = found
    ctx = Context(context, autoescape=False)
    return " ".join(subject.render(ctx).split()), body.render(ctx)
