"""What each role may do: the one table behind the console API, the console socket, the camera API
and the admin (docs/security.md is the same table in words, and
tests/hwaseong_safety/test_matrix.py checks both).

Least privilege for people's data: only the roles that answer alerts see them; camera admins keep
the inventory and system admins the accounts, without seeing anyone's location. The superuser is
the break-glass account: it may do everything, and every use of it is in the access log.
"""

from __future__ import annotations

from enum import StrEnum

from operators.models import Role


class Capability(StrEnum):
    WATCH_ALERTS = "watch_alerts"  # the console: queue, detail, live socket
    WATCH_ALL_CENTERS = "watch_all_centers"
    CLAIM = "claim"  # claim and acknowledge
    NOTE = "note"
    ESCALATE = "escalate"  # hand to police 112 / fire 119
    TRANSFER = "transfer"
    CLOSE = "close"
    OPEN_CAMERAS = "open_cameras"  # the video wall, and recording that a feed was opened
    CAMERA_MAP = "camera_map"  # nearest cameras and the GeoJSON layer (no personal data)
    VIEW_ACCESS_LOG = "view_access_log"  # search, export and the monthly review
    RELEASE_HOLD = "release_hold"  # release (or restore) an alert's retention hold: alerts/holds.py


C = Capability
CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.OPERATOR: frozenset({C.WATCH_ALERTS, C.CLAIM, C.NOTE, C.ESCALATE, C.TRANSFER, C.CLOSE,
                              C.OPEN_CAMERAS, C.CAMERA_MAP}),
    Role.SUPERVISOR: frozenset({C.WATCH_ALERTS, C.WATCH_ALL_CENTERS, C.CLAIM, C.NOTE, C.ESCALATE,
                                C.TRANSFER, C.CLOSE, C.OPEN_CAMERAS, C.CAMERA_MAP, C.VIEW_ACCESS_LOG,
                                C.RELEASE_HOLD}),
    # Resident police watch their center's alerts and hand them on; the operators run the case.
    Role.POLICE: frozenset({C.WATCH_ALERTS, C.NOTE, C.ESCALATE, C.OPEN_CAMERAS, C.CAMERA_MAP}),
    Role.CAMERA_ADMIN: frozenset({C.CAMERA_MAP}),
    Role.SYSTEM_ADMIN: frozenset({C.CAMERA_MAP}),
}

# Roles that work in the admin site (their accounts get is_staff).
ADMIN_SITE_ROLES = frozenset({Role.SUPERVISOR, Role.CAMERA_ADMIN, Role.SYSTEM_ADMIN})

# Django model permissions each role gets in the admin (operators.backends.RoleBackend), on top of
# any granted to the account by hand. Operators and police work in the console, not the admin.
ADMIN_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.OPERATOR: frozenset(),
    Role.POLICE: frozenset(),
    # Supervisors add and change the accounts of their room (operators, police liaisons, other
    # supervisors): under operators/staff_power.py's rule only someone who holds a role's power may
    # give it, and nobody else but the superuser holds the operators'.
    Role.SUPERVISOR: frozenset({
        "operators.view_accessrecord", "operators.view_center", "operators.view_user",
        "operators.add_user", "operators.change_user",
        "cameras.view_camera", "alerts.view_alert", "alerts.view_trip", "citizens.view_citizen",
        "guardians.view_guardian", "alerts.view_retentionrun",
        "places.view_adminarea", "places.view_facility",
    }),
    Role.CAMERA_ADMIN: frozenset({
        "cameras.view_camera", "cameras.add_camera", "cameras.change_camera", "cameras.delete_camera",
        "operators.view_center",
        # The map's reference layers (docs/places.md) are map data too: they import them.
        "places.view_adminarea", "places.add_adminarea", "places.change_adminarea",
        "places.view_facility", "places.add_facility", "places.change_facility", "places.delete_facility",
    }),
    Role.SYSTEM_ADMIN: frozenset({
        "operators.view_user", "operators.add_user", "operators.change_user",
        "operators.view_center", "operators.change_center", "cameras.view_camera",
        "alerts.view_retentionrun",  # counts only: whether the retention job runs
    }),
}


def capabilities(user: object) -> frozenset[Capability]:
    if not (getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)):
        return frozenset()
    if getattr(user, "is_superuser", False):
        return frozenset(Capability)
    return CAPABILITIES.get(getattr(user, "role", ""), frozenset())


def has_capability(user: object, capability: Capability) -> bool:
    return capability in capabilities(user)
