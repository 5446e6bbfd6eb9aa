"""The data a fuzzed request can reach: two linked centers, an app user (token, guardian, trip,
SOS alert), an operator of the user's center with a session, and a camera.

Purely random input rarely gets past a 404 or a 400 (an id that exists, a time within the next 12
hours, a signed callback), so ``request_for`` steers part of the generated cases onto real data;
the rest stay as generated. Both halves must answer as documented."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from itertools import count

from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string

from alerts.actions.handling import do_escalate_alert
from alerts.dispatch.signing import signed_headers
from alerts.models import Alert, Trip
from cameras.models import Camera
from guardians.models import Guardian
from tests.factories import make_camera, make_center, make_staff, make_trip
from tests.fixtures.alerts import raise_sos
from tests.fixtures.centers import ANSAN_BBOX, HWASEONG_BBOX, INSIDE_HWASEONG
from tests.fixtures.citizens import make_app_user
from tests.fixtures.platform import clear_throttles

# Paths served to staff by session cookie; every other path but the callback is the app's (Bearer).
STAFF_PREFIXES = ("/api/v1/console/", "/api/v1/cameras/")
CALLBACK = "/api/v1/dispatch/callback"
DISPATCH_SECRET = "fuzz-dispatch-secret"
PHONE_PATHS = ("/api/v1/guardians/", "/api/v1/app/register")
_phones = count(50_000_000)  # valid mobile numbers, a new one each time (the guardian limit is 5)


@dataclass
class World:
    token: str
    session_id: str
    csrf: str
    alert: Alert
    escalated: Alert  # another SOS, escalated to police and fire: callbacks about it are applied
    trip: Trip
    guardian: Guardian
    camera: Camera

    def real_id(self, path: str, value: int) -> int | None:
        if path.startswith("/api/v1/console/cameras/"):
            return self.camera.pk
        if "/alerts/" in path:
            # Mostly the user's (and the operator's) open alert; sometimes the escalated one, which
            # is another citizen's: for the app a 404, for the console a dispatched alert.
            return self.escalated.pk if value % 5 == 3 else self.alert.pk
        if path.startswith("/api/v1/trips/"):
            return self.trip.pk
        if path.startswith("/api/v1/guardians/"):
            return self.guardian.pk
        return None

    def request_for(self, case) -> dict:
        """Steer the case onto real data (in place) and return the call's credentials."""
        clear_throttles()  # a 429 is documented, but would hide everything after the first few
        params = case.path_parameters or {}
        value = params.get("id")
        if isinstance(value, str) and value.isascii() and value.isdigit():
            value = int(value)  # the coverage phase sends its ids as text
        # Non-negative generated ids, but one in five, become a real one; the rest (negative,
        # non-integer, the fifth) must be a documented 404.
        if type(value) is int and value >= 0 and value % 5 != 4:
            real = self.real_id(case.path, value)
            params["id"] = value if real is None else real
        body = case.body if isinstance(case.body, dict) else None
        if body is not None and _steered(body):
            if case.path == "/api/v1/trips/" and isinstance(body.get("expected_arrival"), str):
                body["expected_arrival"] = (timezone.now() + timedelta(hours=1)).isoformat()
            if case.path in PHONE_PATHS and isinstance(body.get("phone"), str):
                body["phone"] = f"010{next(_phones)}"
        if case.path == CALLBACK:
            return self._signed(body)
        return self.session() if case.path.startswith(STAFF_PREFIXES) else self.bearer()

    def session(self) -> dict:
        # SessionAuthentication wants the CSRF pair on unsafe methods, as the console sends it.
        return {"headers": {"X-CSRFToken": self.csrf},
                "cookies": {"sessionid": self.session_id, "csrftoken": self.csrf}}

    def bearer(self) -> dict:
        return {"headers": {"Authorization": f"Bearer {self.token}"}}

    def wrong_credentials(self, case) -> list[dict]:
        """None at all; the other kind (an app token for staff, a staff session for the app); a
        token that was never issued."""
        other = self.bearer() if case.path.startswith(STAFF_PREFIXES) else self.session()
        return [{}, other, {"headers": {"Authorization": "Bearer never-issued"}}]

    def _signed(self, body: dict | None) -> dict:
        """Most callbacks signed (by the body's agency when it names one) so the body itself is
        validated; the rest keep whatever headers were generated and must be a 403."""
        if body is None or not _steered(body):
            return {}
        if type(body.get("alert_id")) is int:
            body["alert_id"] = self.escalated.pk
        agency = body.get("agency") if body.get("agency") in ("police", "fire") else "police"
        raw = json.dumps(body).encode()
        return {"headers": signed_headers(DISPATCH_SECRET, raw, agency=agency), "data": raw}


def _steered(body: dict) -> bool:
    # Deterministic per body, so a failing example replays identically.
    return len(json.dumps(body, sort_keys=True, default=str)) % 4 != 3


def build_world() -> World:
    hwaseong = make_center("41590", HWASEONG_BBOX, name="화성시")
    make_center("41270", ANSAN_BBOX, name="안산시")
    app = make_app_user("김화성")
    here = Point(INSIDE_HWASEONG[1], INSIDE_HWASEONG[0], srid=4326)
    alert = raise_sos(INSIDE_HWASEONG, app=app)
    operator = make_staff("fuzz-operator", center=hwaseong)
    second = raise_sos(INSIDE_HWASEONG, name="이화성", trigger="shake")
    escalated, _event, _escalations = do_escalate_alert(second, operator, ["police", "fire"], "fuzz")
    client = Client()
    client.force_login(operator)
    return World(token=app.token, session_id=client.cookies["sessionid"].value, csrf=get_random_string(32),
                 alert=alert, escalated=escalated, trip=make_trip(app.citizen),
                 guardian=app.citizen.guardians.get(), camera=make_camera(here.x, here.y, center=hwaseong))
