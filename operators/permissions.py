from __future__ import annotations

from rest_framework.permissions import BasePermission
from rest_framework.request import Request


class IsCenterStaff(BasePermission):
    """Logged-in staff of a control center (any role). App users never pass."""

    message = "Control-center staff only."

    def has_permission(self, request: Request, view: object) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "is_center_staff", False))
