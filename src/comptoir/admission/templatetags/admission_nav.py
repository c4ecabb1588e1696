"""The desk menu's count of held requests awaiting the viewer's decision (cached per
process by ``comptoir.admission.selectors``: no query on most pages)."""

from __future__ import annotations

from typing import Any

from django import template

from comptoir.admission import selectors

register = template.Library()


@register.simple_tag
def held_waiting(user: Any) -> int:
    return selectors.waiting_count(user)
