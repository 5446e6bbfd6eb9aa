"""Operations whose schemathesis test fails because of a bug in a file another change owns right
now: strictly expected to fail (an XPASS fails the run), so each marker must go once its fix is
in. Each reason names the fix (the exact text is in the fuzz helper's report)."""

from __future__ import annotations

import pytest

ALL = "test_every_response_is_documented"
CREDENTIALS = "test_every_response_without_or_with_the_wrong_credentials_is_documented"
_CAMERAS = ("cameras/api.py: {view} documents only 200; a bad query is a 400, no credentials a 401, "
            "an app token a 403 (add them to its extend_schema responses)")

KNOWN_BUGS: dict[tuple[str, str], str] = {
    (ALL, "GET /api/v1/cameras/"): _CAMERAS.format(view="CameraGeoJSONView"),
    (ALL, "GET /api/v1/cameras/nearest/"): _CAMERAS.format(view="NearestCamerasView"),
    (CREDENTIALS, "GET /api/v1/cameras/"): _CAMERAS.format(view="CameraGeoJSONView"),
    (CREDENTIALS, "GET /api/v1/cameras/nearest/"): _CAMERAS.format(view="NearestCamerasView"),
    (ALL, "POST /api/v1/console/cameras/{id}/opened"): "alerts/console_api.py: CameraOpenedView does not "
                                                       "document the 400 of a malformed body",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for (test, label), reason in KNOWN_BUGS.items():
            if item.originalname == test and item.name.endswith(f"[{label}]"):
                item.add_marker(pytest.mark.xfail(strict=True, reason=reason))
