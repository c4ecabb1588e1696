from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.satisfaction import rules

RATING_LABELS = {
    1: _("Very dissatisfied"),
    2: _("Dissatisfied"),
    3: _("Fairly satisfied"),
    4: _("Satisfied"),
    5: _("Very satisfied"),
}


class SurveyForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(n, RATING_LABELS[n]) for n in rules.RATINGS],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Your comment"),
        required=False,
        max_length=rules.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
