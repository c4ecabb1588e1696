"""What administrators do with the quarantine: retry a mail, or discard it (it stays
stored, marked discarded, never deleted by this)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from comptoir.accounts.models import User
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import InvalidTransition, PermissionDenied
from comptoir.mail.inbound.pipeline import Outcome, process
from comptoir.mail.models import InboundMail


def check_can_manage(user: User) -> None:
    if user.role not in {User.Role.ADMIN, User.Role.SUPERVISOR}:
        raise PermissionDenied(_("Only administrators and supervisors manage the quarantine."))


def retry(inbound: InboundMail, *, by: User) -> Outcome:
    check_can_manage(by)
    if inbound.state not in {InboundMail.State.QUARANTINED, InboundMail.State.IGNORED}:
        raise InvalidTransition(_("This mail was already handled."))
    return process(inbound, at=clock_now(), flood_check=False)


def discard(inbound: InboundMail, *, by: User, reason: str = "") -> InboundMail:
    check_can_manage(by)
    if inbound.state != InboundMail.State.QUARANTINED:
        raise InvalidTransition(_("Only quarantined mails can be discarded."))
    inbound.state = InboundMail.State.DISCARDED
    inbound.reason = (
        inbound.reason
        + "\n"
        + _("Discarded by %(name)s. %(reason)s")
        % {
            "name": by.display_name,
            "reason": reason,
        }
    ).strip()
    inbound.processed_at = clock_now()
    inbound.save(update_fields=["state", "reason", "processed_at"])
    return inbound
