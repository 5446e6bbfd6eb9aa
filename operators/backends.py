"""Authentication with lockout, and admin permissions by role (operators/roles.py)."""

from __future__ import annotations

from operators.lockout import LockoutModelBackend
from operators.roles import ADMIN_PERMISSIONS


class RoleBackend(LockoutModelBackend):
    """The account's own and its groups' permissions, plus those of its role."""

    def get_all_permissions(self, user_obj: object, obj: object = None) -> set[str]:
        granted = set(super().get_all_permissions(user_obj, obj))
        active = getattr(user_obj, "is_active", False) and not getattr(user_obj, "is_anonymous", True)
        if obj is None and active:
            granted |= ADMIN_PERMISSIONS.get(getattr(user_obj, "role", ""), frozenset())
        return granted
