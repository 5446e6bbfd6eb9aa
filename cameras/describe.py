"""What an operator needs to read a nearest-camera row at a glance (issue 15, point 7): a name a
person can say on the radio, whether the camera likely sees the queried point, and which cameras
share a pole.

Pure functions over the rows of cameras/nearby.py (and the serializer that documents them), so the
SQL path and the ORM path say the same thing.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from places.address import local_part

# The eight compass points as the console names them (pgettext: "N" alone is too short a msgid).
COMPASS_WORDS = (("n", "N"), ("ne", "NE"), ("e", "E"), ("se", "SE"), ("s", "S"), ("sw", "SW"),
                 ("w", "W"), ("nw", "NW"))

_EARTH_RADIUS_M = 6_371_008.8


def readable_name(management_number: str, address: str, address_rank: int | None, agency: str,
                  pk: int) -> str:
    """The management number when the agency gave one; else the address and the camera's rank
    among the cameras without a number at that address (stable: by id), e.g. "시청로 159 2번"
    (the real Hwaseong data has no numbers at all, and 3 in 4 of its cameras share a pole);
    else the agency and the id, never the id alone."""
    if management_number:
        return management_number
    if address:
        return _("%(address)s no. %(n)s") % {"address": local_part(address), "n": address_rank or 1}
    return _("%(agency)s camera %(id)s") % {"agency": agency or _("Camera"), "id": pk}


def effective_field_of_view(bearing: float | None, field_of_view: float | None) -> float | None:
    """The view angle the console draws and ``in_view`` uses: the camera's own, else the
    CAMERA_FIELD_OF_VIEW_DEGREES setting when only a bearing is known; None when the camera's
    direction is unknown (not a 360° camera, no bearing)."""
    if field_of_view is not None and field_of_view >= 360:
        return 360.0
    if bearing is None:
        return None
    if field_of_view is None or field_of_view <= 0:
        return float(settings.CAMERA_FIELD_OF_VIEW_DEGREES)
    return float(field_of_view)


def in_view(distance_m: float, bearing_deg: float | None, bearing: float | None,
            field_of_view: float | None) -> bool | None:
    """Is the queried point likely in the camera's picture? ``bearing_deg`` is the direction from
    the point to the camera (the API's), ``bearing`` where the camera looks. None when the
    camera's direction is unknown: "maybe" must not read as "no"."""
    if distance_m > settings.CAMERA_VIEW_RANGE_METERS:
        return False
    fov = effective_field_of_view(bearing, field_of_view)
    if fov is None:
        return None
    if fov >= 360 or bearing_deg is None:  # a dome, or the point is right under the camera
        return True
    towards_point = (bearing_deg + 180.0) % 360.0
    off_axis = abs((towards_point - bearing + 180.0) % 360.0 - 180.0)
    return off_axis <= fov / 2


def _metres_apart(a: dict[str, Any], b: dict[str, Any]) -> float:
    # Equirectangular: exact to centimetres over the few metres that make a pole.
    mean_lat = math.radians((a["latitude"] + b["latitude"]) / 2)
    dx = math.radians(b["longitude"] - a["longitude"]) * math.cos(mean_lat)
    dy = math.radians(b["latitude"] - a["latitude"])
    return _EARTH_RADIUS_M * math.hypot(dx, dy)


def group_poles(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Marks the rows (nearest first) standing within CAMERA_POLE_METERS of each other as one
    pole: ``pole`` is the id of the pole's nearest camera, ``pole_size`` how many of the rows
    stand there. The rows keep their order; they are changed in place and returned."""
    limit = settings.CAMERA_POLE_METERS
    poles: list[dict[str, Any]] = []  # the first row of each pole
    for row in rows:
        # 0 turns grouping off.
        first = next((p for p in poles if limit > 0 and _metres_apart(p, row) <= limit), None)
        if first is None:
            poles.append(row)
            first = row
        row["pole"] = first["id"]
    sizes: dict[int, int] = {}
    for row in rows:
        sizes[row["pole"]] = sizes.get(row["pole"], 0) + 1
    for row in rows:
        row["pole_size"] = sizes[row["pole"]]
    return rows


def console_labels() -> dict[str, Any]:
    """The console's words for cameras (static/console/cameras.js and wall.js), under ``camera``."""
    return {
        "feed": {
            "loading": _("Connecting…"), "live": _("Live"), "snapshot": _("Snapshot"),
            "snapshotAge": _("Snapshot · %(age)s"), "none": _("No stream configured"),
            "offline": _("Camera offline"), "lost": _("No signal — retrying"),
        },
        "secondsAgo": _("%(s)s s ago"),
        "minutesAgo": _("%(m)s min ago"),
        "inView": {"yes": _("Sees the spot"), "no": _("Looks away"), "unknown": _("Direction unknown")},
        "faces": _("faces %(dir)s"),
        "allAround": _("360° view"),
        "compass": {key: pgettext("compass point", word) for key, word in COMPASS_WORDS},
        "pole": _("Same pole: %(n)s cameras"),
        "unnamed": _("Camera %(id)s"),
    }
