"""Who must have a second factor before working, and what they may open until then (pure).

An administrator requires two-factor authentication for agents, supervisors and
administrators, each role separately (``SecurityPolicy``). A staff member of such a role
who has neither an authenticator app nor a passkey is led to enrol before anything else;
recovery codes alone do not count (they are the way back in, not a factor of their own).
Requesters and organisation admins are never required: they may enrol if they wish.
"""

from __future__ import annotations

from collections.abc import Collection

STAFF_ROLES = frozenset({"agent", "supervisor", "admin"})

# The pages someone who must enrol may still open: the two-factor pages themselves (allauth's
# ``mfa_*``), signing out, confirming their password again (allauth asks before a change),
# and the language switch.
OPEN_BEFORE_ENROLMENT = frozenset({"account_logout", "account_reauthenticate", "set_language"})


def must_enrol(*, role: str, required_roles: Collection[str], has_second_factor: bool) -> bool:
    """True when this person's role requires a second factor and they have none yet."""
    return role in STAFF_ROLES and role in required_roles and not has_second_factor


def open_before_enrolment(url_name: str | None) -> bool:
    """Whether the page named ``url_name`` opens for someone who must enrol first."""
    if not url_name:
        return False
    return url_name.startswith("mfa_") or url_name in OPEN_BEFORE_ENROLMENT
