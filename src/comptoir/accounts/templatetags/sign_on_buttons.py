"""``{{ providers|with_button }}``: of allauth's providers, those whose organisation shows a
button on the sign-in page (``SingleSignOn.show_button``)."""

from __future__ import annotations

from typing import Any

from django import template

from comptoir.accounts import sign_on

register = template.Library()


@register.filter
def with_button(providers: list[Any]) -> list[Any]:
    if not providers:
        return []
    shown = sign_on.button_app_ids()
    return [p for p in providers if getattr(getattr(p, "app", None), "pk", None) in shown]
