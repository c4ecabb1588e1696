"""Who reads which figures: supervisors and administrators read every organisation's;
an organisation admin reads their own organisation's only; nobody else reads reports
(their pages answer "not found")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from comptoir.core.errors import NotFound

if TYPE_CHECKING:
    from comptoir.accounts.models import User


def check_can_read_all(user: User) -> None:
    if not (user.is_authenticated and user.is_active and user.sees_everything):
        raise NotFound(_("No such report."))


def organisation_of(user: User) -> int:
    """The organisation whose figures an organisation admin reads."""
    if (
        user.is_authenticated
        and user.is_active
        and user.role == user.Role.ORG_ADMIN
        and user.organisation_id is not None
    ):
        return int(user.organisation_id)
    raise NotFound(_("No such report."))
