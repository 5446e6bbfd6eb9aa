"""Reading a bearing and a field of view out of 촬영방면정보 (free text in the CCTV standard data).

Agencies fill this column with anything from '360도' to '주택 앞 삼거리'. We only read the forms
that say one thing unambiguously: a compass word on its own (북측, 남동쪽), an angle on its own
(360°, 45도) or a compass word with an angle (북측 120도). Everything else, including words that
name two directions (동서, 좌우양방향), gives (None, None): a wrong bearing on the map is worse
than none. The raw text is always kept on the camera.
"""

from __future__ import annotations

import re

# What a single named direction covers when the text gives no angle: a typical fixed lens.
DEFAULT_FIELD_OF_VIEW = 90.0

_COMPASS: dict[str, float] = {
    "북": 0.0, "북동": 45.0, "동북": 45.0, "동": 90.0, "남동": 135.0, "동남": 135.0,
    "남": 180.0, "남서": 225.0, "서남": 225.0, "서": 270.0, "북서": 315.0, "서북": 315.0,
}
_COMPASS_RE = "|".join(sorted(_COMPASS, key=len, reverse=True))
_SUFFIX = r"(?:측|쪽|방향|방면|향)?"
_ANGLE = r"(\d{1,3}(?:\.\d+)?)\s*(?:도|°|˚|º)"
# Words that only restate "all around" after 360도.
_ALL_AROUND = r"(?:전방면|전방향|전방위|전방|회전|전체)?"

_ALL_AROUND_RE = re.compile(rf"^360\s*(?:도|°|˚|º)\s*{_ALL_AROUND}$|^전방위$|^전방향$")
_ANGLE_ONLY_RE = re.compile(rf"^{_ANGLE}$")
_COMPASS_ONLY_RE = re.compile(rf"^({_COMPASS_RE}){_SUFFIX}$")
_COMPASS_ANGLE_RE = re.compile(rf"^({_COMPASS_RE}){_SUFFIX}\s*,?\s*{_ANGLE}$")


def parse_direction(text: str | None) -> tuple[float | None, float | None]:
    """(bearing in degrees clockwise from north, field of view in degrees); None when unknown."""
    value = " ".join((text or "").split())
    if not value:
        return None, None
    if _ALL_AROUND_RE.match(value):
        return None, 360.0
    if match := _ANGLE_ONLY_RE.match(value):
        return None, _field_of_view(match.group(1))
    if match := _COMPASS_ONLY_RE.match(value):
        return _COMPASS[match.group(1)], DEFAULT_FIELD_OF_VIEW
    if match := _COMPASS_ANGLE_RE.match(value):
        field_of_view = _field_of_view(match.group(2))
        # A 360° view has no direction worth drawing.
        bearing = None if field_of_view in (None, 360.0) else _COMPASS[match.group(1)]
        return bearing, field_of_view
    return None, None


def _field_of_view(number: str) -> float | None:
    angle = float(number)
    # 0° or more than a full turn is a typo, not a field of view.
    return angle if 0 < angle <= 360 else None
