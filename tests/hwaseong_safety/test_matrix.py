"""docs/security.md's permission matrix, cell by cell, against the running code.

The table is read from the document itself (between the ``matrix`` markers): every cell becomes one
test case, so the doc cannot promise what the code doesn't do, nor the code allow what the doc
doesn't say.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from guardians.tracking import tracking_token
from operators.models import Role, User
from operators.roles import ADMIN_SITE_ROLES
from tests.factories import make_camera
from tests.fixtures.alerts import raise_sos
from tests.fixtures.centers import INSIDE_ANSAN, INSIDE_HWASEONG
from tests.fixtures.citizens import make_app_user
from tests.fixtures.consoles import communicator, nothing_about, receive, session_headers
from tests.fixtures.platform import ROOT

# Each test publishes on its own channel-layer prefix, as the console's own tests do.
pytestmark = pytest.mark.usefixtures("private_channel_layer")

DOC = ROOT / "docs" / "security.md"
PRINCIPALS = ("operator", "supervisor", "police", "camera_admin", "system_admin", "app_user", "guardian_link")
STAFF_ROLES = {"operator": Role.OPERATOR, "supervisor": Role.SUPERVISOR, "police": Role.POLICE,
               "camera_admin": Role.CAMERA_ADMIN, "system_admin": Role.SYSTEM_ADMIN}


def read_matrix() -> dict[tuple[str, str], str]:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- matrix -->")[1].split("<!-- /matrix -->")[0]
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in table.strip().splitlines()]
    header, body = rows[0], rows[2:]
    assert tuple(header[1:]) == PRINCIPALS, header
    return {(row[0], who): cell for row in body for who, cell in zip(PRINCIPALS, row[1:], strict=True)}


MATRIX = read_matrix()


@dataclass
class World:
    actors: dict[str, object]
    alert_id: int
    camera_id: int
    guardian_token: str
    users: dict[str, User]


@pytest.fixture
def world(db, centers) -> World:
    users = {name: User.objects.create_user(f"m-{name}", password="pw-for-tests-only", role=role,
                                            center=centers["hwaseong"], is_staff=role in ADMIN_SITE_ROLES)
             for name, role in STAFF_ROLES.items()}
    actors: dict[str, object] = {}
    for name, user in users.items():
        client = Client()
        client.force_login(user)
        actors[name] = client
    alert = raise_sos(INSIDE_HWASEONG)

    app = make_app_user("앱사용자")
    actors["app_user"] = app.client
    guardian = alert.citizen.guardians.get()
    actors["guardian_link"] = Client()
    camera = make_camera(126.87, 37.17)
    return World(actors, alert.pk, camera.pk, tracking_token(guardian, alert=alert), users)


# Each HTTP row names its request in its label (`METHOD path`); bodies and queries it needs:
BODIES: dict[str, dict] = {
    "/claim": {}, "/acknowledge": {}, "/opened": {}, "/notes": {"text": "확인 중"},
    "/escalate": {"agencies": ["police"], "reason": "폭행 의심"}, "/transfer": {"center": "41270"},
    "/close": {"disposition": "safe"},
    "/phoned": {"agency": "police"},  # allowed, then 409: no request to 112 waits for a call here
    "/api/v1/trips/": {"location": {"latitude": 37.17, "longitude": 126.87},
                       "destination": {"latitude": 37.2, "longitude": 126.9}, "expected_arrival": "<soon>"},
    "/api/v1/alerts/": {"client_id": "<uuid>", "trigger": "button",
                        "location": {"latitude": 37.17, "longitude": 126.87}},
}
QUERIES = {"/api/v1/cameras/nearest/": "?latitude=37.17&longitude=126.87",
           "/api/v1/cameras/?bbox=": "126.8,37.1,126.9,37.2",
           "/api/v1/places/areas/?bbox=": "126.8,37.1,126.9,37.2",
           "/api/v1/places/facilities/?bbox=": "126.8,37.1,126.9,37.2"}
REQUEST = re.compile(r"`(GET|POST) ([^`]+)`")


def request_of(row: str) -> tuple[str, str, dict | None] | None:
    match = REQUEST.search(row)
    if match is None or row.startswith("ws"):
        return None
    method, path = match[1].lower(), match[2]
    body = next((b for end, b in BODIES.items() if path.endswith(end)), {}) if method == "post" else None
    return method, path + QUERIES.get(path, ""), body


SOCKET_ROWS = {"ws connect `/ws/console/`", "ws event: SOS in the user's own center",
               "ws event: SOS in another center"}


def test_the_doc_and_the_tests_cover_the_same_rows() -> None:
    rows = {row for row, _who in MATRIX}
    assert {row for row in rows if request_of(row) is None} == SOCKET_ROWS


HTTP_CELLS = [(row, who) for (row, who) in MATRIX if request_of(row) is not None]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "who"), HTTP_CELLS, ids=[f"{w}:{r}" for r, w in HTTP_CELLS])
def test_http_cell(world: World, row: str, who: str) -> None:
    method, path, body = request_of(row)
    token = world.guardian_token if who == "guardian_link" else "not-the-link"
    target = world.camera_id if "/cameras/<id>" in path else world.alert_id
    path = path.replace("<id>", str(target)).replace("<token>", token)
    client = world.actors[who]
    if body is not None:
        made = {"<uuid>": str(uuid.uuid4()), "<soon>": (timezone.now() + timedelta(hours=1)).isoformat()}
        body = {k: made.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    if body is None:
        response = client.get(path)
    elif isinstance(client, APIClient):
        response = client.post(path, body, format="json")
    else:
        response = client.post(path, body, content_type="application/json")
    assert str(response.status_code) == MATRIX[(row, who)], (row, who, response.status_code)


SOCKET_CELLS = [(row, who) for (row, who) in MATRIX if row in SOCKET_ROWS and MATRIX[(row, who)] != "-"]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_db_connections")
@pytest.mark.parametrize(("row", "who"), SOCKET_CELLS, ids=[f"{w}:{r}" for r, w in SOCKET_CELLS])
async def test_socket_cell(world: World, row: str, who: str) -> None:
    expected = MATRIX[(row, who)]
    comm = communicator(await sync_to_async(session_headers)(world.users.get(who)))
    connected, _ = await comm.connect()
    assert connected  # accepted, then closed with the code, so a browser sees it
    try:
        if row.startswith("ws connect"):
            if expected == "ws:accept":
                assert (await receive(comm, "snapshot"))["type"] == "snapshot"
            else:
                assert await comm.receive_output(5) == {"type": "websocket.close", "code": int(expected[3:])}
            return
        await receive(comm, "snapshot")
        alert = await sync_to_async(raise_sos)(INSIDE_HWASEONG if "own center" in row else INSIDE_ANSAN)
        if expected == "ws:event":
            assert (await receive(comm, "alert.created"))["alert"]["id"] == alert.pk
        else:
            assert await nothing_about(comm, alert.pk)
    finally:
        await comm.disconnect()
