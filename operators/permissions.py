from __future__ import annotations

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from operators.roles import Capability, has_capability


class IsCenterStaff(BasePermission):
    """Logged-in staff of a control center (any role). App users never pass."""

    message = "Control-center staff only."

    def has_permission(self, request: Request, view: object) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "is_center_staff", False))


def requires(capability: Capability) -> type[BasePermission]:
    """A DRF permission class for one capability of operators/roles.py (staff only)."""

    class HasCapability(IsCenterStaff):
        message = "Your role may not do this."

        def has_permission(self, request: Request, view: object) -> bool:
            return super().has_permission(request, view) and has_capability(request.user, capability)

    HasCapability.__name__ = f"Requires_{capability.value}"
    return HasCapability
