"""Column names of the national CCTV standard data (전국CCTV표준데이터) and how they map to Camera."""

from __future__ import annotations

# The current 18-column layout, in the standard's order.
STANDARD_COLUMNS: tuple[str, ...] = (
    "개방자치단체코드", "관리번호", "관리기관명", "소재지도로명주소", "소재지지번주소", "설치목적구분",
    "카메라대수", "카메라화소수", "촬영방면정보", "보관일수", "설치연월", "관리기관전화번호",
    "WGS84위도", "WGS84경도", "데이터기준일자", "데이터갱신구분", "데이터갱신시점", "최종수정시점",
)

# Names used by older releases and some agencies' cuts, mapped to the current name.
ALIASES: dict[str, str] = {
    "위도": "WGS84위도",
    "경도": "WGS84경도",
    "설치년월": "설치연월",
}

LATITUDE = "WGS84위도"
LONGITUDE = "WGS84경도"
AGENCY = "관리기관명"

# Column → Camera field for the plain-text and parsed columns. The coordinates become
# ``location``; the three update-tracking columns describe the publication, not the camera,
# so they are not stored.
COLUMN_FIELDS: dict[str, str] = {
    "개방자치단체코드": "agency_code",
    "관리번호": "management_number",
    "관리기관명": "agency",
    "소재지도로명주소": "road_address",
    "소재지지번주소": "lot_address",
    "설치목적구분": "purpose",
    "카메라대수": "camera_count",
    "카메라화소수": "pixels",
    "촬영방면정보": "view_direction",
    "보관일수": "retention_days",
    "설치연월": "installed_on",
    "관리기관전화번호": "phone",
    "데이터기준일자": "data_date",
}

# Fields derived from another column: they change whenever that column is present.
DERIVED_FIELDS: dict[str, tuple[str, ...]] = {"view_direction": ("bearing", "field_of_view")}


def fields_for_columns(columns: set[str] | frozenset[str]) -> tuple[str, ...]:
    """The Camera fields a file with these standard columns describes (always includes location).

    Fields of columns the file lacks are left alone on update, so a 4-column cut never blanks
    what a full file filled in."""
    fields: list[str] = []
    for column, field in COLUMN_FIELDS.items():
        if column in columns:
            fields.append(field)
            fields.extend(DERIVED_FIELDS.get(field, ()))
    fields.append("location")
    return tuple(fields)
