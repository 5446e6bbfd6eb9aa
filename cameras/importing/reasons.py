"""Reason codes for skipped rows and warnings, with their user-facing messages.

Reports count plain string codes (stable for tests and logs); messages are translated when shown.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# Skips
JUNK_ROW = "junk_row"
MISSING_AGENCY = "missing_agency"
MISSING_COORDINATES = "missing_coordinates"
BAD_COORDINATES = "unparseable_coordinates"
SWAPPED_COORDINATES = "swapped_coordinates"
OUTSIDE_KOREA = "outside_korea"
KEY_TOO_LONG = "key_too_long"
DUPLICATE_NUMBER = "duplicate_management_number"

# Warnings (the row is kept, the field is stored empty)
UNKNOWN_PURPOSE = "unknown_purpose"
BAD_CAMERA_COUNT = "bad_camera_count"
BAD_PIXELS = "bad_pixels"
BAD_RETENTION_DAYS = "bad_retention_days"
BAD_INSTALLED_ON = "bad_installed_on"
BAD_DATA_DATE = "bad_data_date"
BAD_AGENCY_CODE = "bad_agency_code"
TEXT_TRUNCATED = "text_truncated"

MESSAGES = {
    JUNK_ROW: _("blank or malformed row"),
    MISSING_AGENCY: _("missing managing agency"),
    MISSING_COORDINATES: _("missing coordinates"),
    BAD_COORDINATES: _("unparseable coordinates"),
    SWAPPED_COORDINATES: _("latitude and longitude swapped"),
    OUTSIDE_KOREA: _("coordinates outside Korea"),
    KEY_TOO_LONG: _("agency or management number too long"),
    DUPLICATE_NUMBER: _("management number repeated in the file"),
    UNKNOWN_PURPOSE: _("unknown purpose, stored as 기타 (other)"),
    BAD_CAMERA_COUNT: _("unreadable camera count, left empty"),
    BAD_PIXELS: _("unreadable pixel count, left empty"),
    BAD_RETENTION_DAYS: _("unreadable retention days, left empty"),
    BAD_INSTALLED_ON: _("unreadable installation year-month, left empty"),
    BAD_DATA_DATE: _("unreadable data reference date, left empty"),
    BAD_AGENCY_CODE: _("local government code too long, left empty"),
    TEXT_TRUNCATED: _("text too long for its field, cut short"),
}


def message(code: str) -> str:
    return str(MESSAGES.get(code, code))
