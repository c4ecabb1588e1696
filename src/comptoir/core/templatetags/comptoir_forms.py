"""Small template helpers for forms and dicts."""

from __future__ import annotations

from typing import Any

from django import forms, template

register = template.Library()


@register.filter
def bootstrap(field: forms.BoundField) -> str:
    widget = field.field.widget
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "")
