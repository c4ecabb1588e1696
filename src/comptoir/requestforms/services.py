"""Request forms at work: which form a new request gets, what it must give, what a mail
already gives and what to ask for (procedure 002). Forms are read on every new ticket, so
they are kept in memory per process (``comptoir.core.cache``); ``reset()`` drops them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from comptoir.core.cache import ProcessCache
from comptoir.core.errors import ValidationError
from comptoir.requestforms import rules
from comptoir.requestforms.rules import Field, Kind, Spec


def _load() -> tuple[Spec, ...]:
    from comptoir.requestforms.models import RequestForm

    forms = RequestForm.objects.filter(is_active=True).prefetch_related("fields")
    return tuple(
        Spec(
            product_id=form.product_id,
            type=form.type,
            guidances={"fr": form.guidance_fr, "en": form.guidance_en},
            fields=tuple(
                Field(
                    key=f.key,
                    kind=Kind(f.kind),
                    labels={"fr": f.label_fr, "en": f.label_en},
                    helps={"fr": f.help_fr, "en": f.help_en},
                    required=f.required,
                )
                for f in form.fields.all()
            ),
        )
        for form in forms
    )


_forms: ProcessCache[tuple[Spec, ...]] = ProcessCache(_load)


def reset() -> None:
    _forms.forget()


def form_for(*, product_id: int | None, type: str) -> Spec | None:
    """The form a new request about this product and of this type fills in (no query once
    the forms are in memory)."""
    return rules.choose(_forms.get(), product_id=product_id, type=type)


# Labels of the facts the help button attaches by itself.
KNOWN_LABELS = {
    "page_url": pgettext_lazy("request detail", "Page"),
    "browser": pgettext_lazy("request detail", "Browser"),
}


def labelled(details: Mapping[str, str], *, product_id: int | None, type: str) -> list[tuple[str, str]]:
    """A ticket's details as (label, value) in the reader's language, in the form's order
    (the form of its product and type as it is now; keys it no longer has come last)."""
    spec = form_for(product_id=product_id, type=type)
    language = get_language() or "fr"
    fields = {f.key: f for f in spec.fields} if spec else {}
    order = [k for k in fields if k in details] + [k for k in details if k not in fields]
    return [
        (fields[k].label(language) if k in fields else str(KNOWN_LABELS.get(k, k)), str(details[k]))
        for k in order
        if details[k]
    ]


@dataclass
class Collected:
    """The request's details as they are kept, and the required facts it lacks."""

    details: dict[str, str]
    missing: list[Field] = field(default_factory=list)


def _clean_given(spec: Spec | None, given: Mapping[str, str]) -> dict[str, str]:
    """Values typed in a form or sent through the API: the form's fields cleaned, other
    keys (the help button's page address and browser) kept as they are, trimmed."""
    by_key = {f.key: f for f in spec.fields} if spec else {}
    details: dict[str, str] = {}
    for key, raw in given.items():
        value = "" if raw is None else str(raw)
        spec_field = by_key.get(key)
        if spec_field is None:
            value = " ".join(value.split())[: rules.MAX_VALUE]
        else:
            try:
                value = rules.clean(spec_field, value)
            except rules.InvalidValue as exc:
                language = get_language() or "fr"
                message = (
                    _("“%(label)s” must be a web address, such as www.example.org/page.")
                    if exc.code == "url"
                    else _("“%(label)s” is too long.")
                )
                raise ValidationError(message % {"label": spec_field.label(language)}) from None
        if value:
            details[str(key)[:40]] = value
    return details


def collect(
    *,
    product_id: int | None,
    type: str,
    given: Mapping[str, str] | None,
    text: str = "",
    files: int | None = 0,
    from_mail: bool = False,
    enforce: bool = True,
) -> Collected:
    """The details a new request keeps. From a form or the API (``enforce``), a missing
    required fact is refused with a message naming it. From a mail, the text is read for
    the facts (a labelled line, an address, a browser's name), and the missing ones are
    returned so they can be asked for. ``files`` counts the attached files (None: they
    come later)."""
    spec = form_for(product_id=product_id, type=type)
    details = _clean_given(spec, given or {})
    if spec is None:
        return Collected(details)
    if from_mail:
        details = {**rules.facts_from_text(spec, text), **details}
    gaps = rules.missing(spec, details, files=files)
    if gaps and enforce and not from_mail:
        language = get_language() or "fr"
        raise MissingFacts(gaps, language)
    return Collected(details, gaps if from_mail else [])


class MissingFacts(ValidationError):
    """A form or API request without a required fact; ``keys`` names them."""

    def __init__(self, gaps: list[Field], language: str) -> None:
        labels = ", ".join(f.label(language) for f in gaps)
        super().__init__(_("Please complete: %(fields)s.") % {"fields": labels})
        self.keys = [f.key for f in gaps]
