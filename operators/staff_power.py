"""Who may change whose staff account (docs/security.md, "Staff accounts"; issue 16, point 1).

An account's *power* is everything it may do: its role's capabilities (operators/roles.py), its
admin model permissions (its role's, its groups' and its own), admin-site access (``is_staff``),
and for a superuser everything. The rule, enforced by the staff admin (operators/admin.py):

- an account may be added, changed (its password too: a password is the whole account), deactivated
  or deleted only by someone whose power includes that account's power, as it is and as it would
  be after the change; ``is_superuser`` is therefore given and taken only by a superuser;
- nobody changes the privileges of their own account (role, superuser, staff and active flags,
  groups, permissions): another holder of that power does, and it is in the access log.

Without the second half, the first is no protection: a system admin could otherwise give a second
account of their own the operator role and read citizens' locations through it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from operators.models import Role, User
from operators.roles import ADMIN_PERMISSIONS, CAPABILITIES

# The fields that make up an account's power (and the active flag, which switches it on and off).
PRIVILEGE_FIELDS = ("role", "is_superuser", "is_staff", "is_active", "groups", "user_permissions")
ADMIN_SITE = "admin_site"


@dataclass(frozen=True)
class Power:
    everything: bool  # a superuser
    grants: frozenset[str]  # "capability:<name>", "<app>.<codename>", ADMIN_SITE

    def includes(self, other: Power) -> bool:
        if self.everything:
            return True
        return not other.everything and other.grants <= self.grants


def power_of(*, role: str, is_superuser: bool, is_staff: bool, permissions: Iterable[str]) -> Power:
    """The power an account with these privileges has (active or not: activating it gives it)."""
    if is_superuser:
        return Power(True, frozenset())
    grants = {f"capability:{c}" for c in CAPABILITIES.get(role, ())}
    grants |= ADMIN_PERMISSIONS.get(role, frozenset())
    grants |= set(permissions)
    if is_staff:
        grants.add(ADMIN_SITE)
    return Power(False, frozenset(grants))


def _names(permissions: Any) -> set[str]:
    return {f"{app}.{codename}" for app, codename in
            permissions.values_list("content_type__app_label", "codename")}


def group_permissions(groups: Iterable[Group]) -> set[str]:
    return _names(Permission.objects.filter(group__in=[g.pk for g in groups]))


def account_power(user: User) -> Power:
    """The power of a saved account, read from the database (its own and its groups' permissions)."""
    permissions = _names(Permission.objects.filter(Q(user=user) | Q(group__user=user)).distinct())
    return power_of(role=user.role, is_superuser=user.is_superuser, is_staff=user.is_staff,
                    permissions=permissions)


def grantable_roles(actor: Power) -> list[str]:
    return [role for role in Role.values
            if actor.includes(power_of(role=role, is_superuser=False, is_staff=False, permissions=()))]


def grantable_permissions(actor: Power) -> Any:
    """The permissions the actor holds, as a queryset (all of them for a superuser)."""
    if actor.everything:
        return Permission.objects.select_related("content_type")
    wanted = Q(pk__in=[])
    for name in actor.grants:
        if "." in name:
            app, codename = name.split(".", 1)
            wanted |= Q(content_type__app_label=app, codename=codename)
    return Permission.objects.filter(wanted).select_related("content_type")


def grantable_groups(actor: Power) -> Any:
    """Groups whose every permission the actor holds."""
    if actor.everything:
        return Group.objects.all()
    allowed = [g.pk for g in Group.objects.prefetch_related("permissions__content_type")
               if {f"{p.content_type.app_label}.{p.codename}" for p in g.permissions.all()} <= actor.grants]
    return Group.objects.filter(pk__in=allowed)


def privileges(user: User) -> dict[str, Any]:
    """The account's privileges as ids and codes (for the access log: no names)."""
    if user.pk is None:
        return {}
    return {
        "role": user.role, "is_superuser": user.is_superuser, "is_staff": user.is_staff,
        "is_active": user.is_active,
        "groups": sorted(user.groups.values_list("pk", flat=True)),
        "user_permissions": sorted(_names(user.user_permissions.all())),
    }


def privilege_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for every privilege that differs (``None`` before: a new account)."""
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}
