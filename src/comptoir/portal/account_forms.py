from __future__ import annotations

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import User


class NewAccountForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("Personal e-mail address"),
        help_text=_(
            "The invitation to choose a password is sent there. No shared address (contact@, info@…)."
        ),
    )
    org_role = forms.ChoiceField(
        label=_("Role"),
        choices=User.OrgRole.choices,
        initial=User.OrgRole.EDITOR,
        help_text=_("Your organisation decides which roles may open support requests."),
    )


class ChoosePasswordForm(SetPasswordForm):
    """Django's form (the password validators apply), with our labels."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["new_password1"].label = _("Choose a password")
        self.fields["new_password2"].label = _("The same password again")
