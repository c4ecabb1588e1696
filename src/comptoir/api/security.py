"""Who may call the API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import SessionAuth


class StaffSession(SessionAuth):
    """The Django session of a member of the support team (agents, supervisors,
    administrators); anyone else gets 401."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if user.is_authenticated and user.is_active and getattr(user, "is_staff_member", False):
            return user
        return None
