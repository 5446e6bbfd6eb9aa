"""Authentication with lockout, and admin permissions by role (operators/roles.py)."""

from __future__ import annotations

from hwaseong_safety import fastpath
from operators.lockout import LockoutModelBackend
from operators.models import User
from operators.roles import ADMIN_PERMISSIONS


class RoleBackend(LockoutModelBackend):
    """The account's own and its groups' permissions, plus those of its role."""

    def get_user(self, user_id: object) -> User | None:
        """As ModelBackend's (read on every request, nothing cached), without the ORM's query
        building: every console and staff API request asks, and that cost about 1 ms of CPU for
        this one-row query (hwaseong_safety/fastpath/rows.py; issue 7)."""
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        sql = f"SELECT {fastpath.columns(User, 'u')} FROM operators_user AS u WHERE u.id = %s"
        user = fastpath.read_one(User.objects.filter(pk=pk), sql, [pk])
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: object, obj: object = None) -> set[str]:
        granted = set(super().get_all_permissions(user_obj, obj))
        active = getattr(user_obj, "is_active", False) and not getattr(user_obj, "is_anonymous", True)
        if obj is None and active:
            granted |= ADMIN_PERMISSIONS.get(getattr(user_obj, "role", ""), frozenset())
        return granted

