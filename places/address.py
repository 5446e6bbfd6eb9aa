"""A human address for a point: the 시·구·읍면동 that covers it and the nearest known road address
with its distance, e.g. "화성시 남양읍 · 시청로201번길 5-14 부근 40 m".

Computed once, in one statement, when an alert's position is set or moves (alerts/actions/sos.py), and
stored on the alert: the queue, the detail, the guardian page, the SMS and the dispatch payload read
it without asking again. The known addresses are the camera registry's (~10,000 sites): the GiST
index on the cameras' location walks to the nearest ones (``<->``) and stops, as cameras/nearby.py
does. Areas come from places.AdminArea; without them (no public data loaded: the synthetic city)
the linked center whose boundary covers the point names the city.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.db import connection

# Beyond this the nearest known address no longer helps anyone find the spot.
NEAREST_ADDRESS_MAX_M = 1000
# A few index candidates, re-sorted by true distance: ``<->`` on geography measures on a sphere.
_CANDIDATES = 4

_SQL = """
WITH here AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS g)
SELECT
  -- COALESCE evaluates the center's pieces only when no 시군구 area covers the point.
  coalesce(
    (SELECT a.name FROM places_adminarea AS a, here
      WHERE a.level = 'sigungu' AND ST_Covers(a.boundary, here.g) ORDER BY a.code LIMIT 1),
    (SELECT c.name FROM operators_centerpiece AS p JOIN operators_center AS c ON c.id = p.center_id, here
      WHERE ST_Covers(p.piece, here.g::geography) ORDER BY c.code LIMIT 1)),
  (SELECT a.name FROM places_adminarea AS a, here
    WHERE a.level = 'emd' AND ST_Covers(a.boundary, here.g) ORDER BY a.code LIMIT 1),
  near.address, near.distance
FROM here
LEFT JOIN LATERAL (
  SELECT cand.address, ST_Distance(cand.location, here.g::geography) AS distance
  FROM (
    SELECT coalesce(nullif(c.road_address, ''), c.lot_address) AS address, c.location
    FROM cameras_camera AS c
    WHERE c.road_address <> '' OR c.lot_address <> ''
    ORDER BY c.location <-> here.g::geography
    LIMIT %(candidates)s
  ) AS cand
  ORDER BY distance
  LIMIT 1
) AS near ON near.distance <= %(max_m)s
"""


@dataclass(frozen=True)
class Address:
    area: str = ""  # "화성시 남양읍"
    road: str = ""  # "시청로201번길 5-14"
    road_m: float | None = None  # metres from the point to that address's camera site

    def fields(self) -> dict:
        """As the alert's columns."""
        return {"address_area": self.area, "address_road": self.road, "address_road_m": self.road_m}


NO_ADDRESS = Address()


def describe(point: Point) -> Address:
    """The address of a WGS84 point (one SQL statement)."""
    params = {"lon": point.x, "lat": point.y, "candidates": _CANDIDATES, "max_m": NEAREST_ADDRESS_MAX_M}
    with connection.cursor() as cursor:
        cursor.execute(_SQL, params)
        city, emd, address, distance = cursor.fetchone()
    area = " ".join(part for part in (city, emd) if part)
    if not address:
        return Address(area=area)
    return Address(area=area, road=street_part(address), road_m=round(distance, 1))


# Administrative names at the start of an address: the region (경기도, 화성시, 효행구), the same
# for every place a center watches, and the town under it (남양읍, 장안면, 기배동).
_REGION = r"특별시|광역시|특별자치시|특별자치도|도|시|군|구"
_TOWN = r"읍|면|동"
_REGION_NAME = re.compile(rf"^\S+({_REGION})$")
_ADMIN_NAME = re.compile(rf"^\S+({_REGION}|{_TOWN})$")
# The road of a road-name address: 시청로, 남양로201번길, 동탄대로, 와우안길.
_ROAD = re.compile(r"^\S+(로|길)(\d+[번]?길)?$")

# Two shapes of one address, for two places that show it:
# - street_part: next to an alert's area ("화성시 남양읍 · 시청로 159 부근 40 m"), which already
#   names the town: everything administrative goes;
# - local_part: a camera's name, which stands alone ("남양읍 시청로 159 1번"): the town stays,
#   only the region every camera shares goes.
# Neither ever cuts an address down to one word.


def street_part(address: str) -> str:
    """The part after the administrative names: "경기도 화성시 효행구 비봉면 주석로701번길 10" ->
    "주석로701번길 10"; a lot address keeps its 리: "… 남양읍 남양리 123-4" -> "남양리 123-4"."""
    tokens = address.split()
    for index, token in enumerate(tokens):
        if _ROAD.match(token) and index + 1 < len(tokens):
            return " ".join(tokens[index:])
    rest = list(tokens)
    # The last name before the lot number stays: "기배동 123", not "123".
    while len(rest) > 2 and _ADMIN_NAME.match(rest[0]) and not rest[1][:1].isdigit():
        rest.pop(0)
    return " ".join(rest)


def local_part(address: str) -> str:
    """Without the province, city and district: "경기도 화성시 효행구 봉담읍 샘마을1길 13-6" ->
    "봉담읍 샘마을1길 13-6"."""
    words = address.split()
    while len(words) > 2 and _REGION_NAME.match(words[0]):
        words.pop(0)
    return " ".join(words)


def text(area: str, road: str, road_m: float | None) -> str:
    """ "화성시 남양읍 · 시청로201번길 5-14 부근 40 m", or whichever half is known, or "". """
    near = ""
    if road:
        near = f"{road} 부근 {max(10, int(round((road_m or 0) / 10.0)) * 10)} m"
    return " · ".join(part for part in (area, near) if part)
