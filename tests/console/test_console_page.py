"""The console page and its login: who may open it, in Korean, with nothing from outside hosts."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from alerts.models import AlertStatus, AlertTrigger
from operators.models import Role, User
from tests.factories import make_center, make_staff

pytestmark = [pytest.mark.fastpath, pytest.mark.django_db]


@pytest.fixture
def hwaseong():
    return make_center("41590", (126.8, 37.1, 126.9, 37.3), "화성시")


def test_anonymous_goes_to_the_console_login(client) -> None:
    response = client.get("/console/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/console/"


def test_login_page_is_korean_and_logs_an_operator_in(client, hwaseong) -> None:
    page = client.get("/login/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="ko">' in html and "로그인" in html
    make_staff("op1", Role.OPERATOR, hwaseong)
    credentials = {"username": "op1", "password": "pw-for-tests-only"}
    response = client.post("/login/", {**credentials, "next": "/console/"})
    assert response.status_code == 302 and response["Location"] == "/console/"
    # Without ?next the console is the default landing page, not Django's /accounts/profile/.
    client.logout()
    response = client.post("/login/", credentials)
    assert response["Location"] == reverse("console")


def test_wrong_password_stays_on_the_login_page(client, hwaseong) -> None:
    make_staff("op1", Role.OPERATOR, hwaseong)
    response = client.post("/login/", {"username": "op1", "password": "wrong"})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()


def test_user_without_a_role_is_refused(client) -> None:
    user = User.objects.create_user("nobody", password="pw-for-tests-only", role="")
    client.force_login(user)
    assert client.get("/console/").status_code == 403
    assert client.get("/console/centers.geojson").status_code == 403


def test_operator_without_a_center_is_refused(client) -> None:
    # The websocket would refuse them too (4403): there is nothing for them to watch.
    client.force_login(make_staff("op-nowhere", Role.OPERATOR, None))
    assert client.get("/console/").status_code == 403


def test_operator_gets_the_console_in_korean(client, hwaseong) -> None:
    client.force_login(make_staff("op1", Role.OPERATOR, hwaseong))
    response = client.get("/console/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ko">' in html
    assert "화성시 스마트도시 통합운영센터" in html and "로그아웃" in html
    script = re.search(r'id="console-config" type="application/json">(.*?)</script>', html)
    config = json.loads(script.group(1))
    assert config["user"]["center"] == "41590" and config["seesAll"] is False
    assert config["urls"]["socket"] == "/ws/console/" and config["urls"]["api"] == "/api/v1/console/"
    assert config["nearest"] == {"limit": 8, "radius": 500}
    assert set(config["labels"]["disposition"]) == {"false_alarm", "safe", "crime", "fire_disaster",
                                                   "medical", "other"}
    # Every status and trigger the server can send has its text (the model's choices, translated).
    assert set(config["labels"]["status"]) == set(AlertStatus.values)
    assert config["labels"]["status"]["claimed"] == "접수(담당 지정)"
    assert set(config["labels"]["trigger"]) == set(AlertTrigger.values)
    # Operators watch their own center: no center picker.
    assert 'name="watch"' not in html


def test_supervisor_can_pick_centers(client, hwaseong) -> None:
    make_center("41270", (126.7, 37.3, 126.9, 37.4), "안산시")
    client.force_login(make_staff("sup", Role.SUPERVISOR, hwaseong))
    html = client.get("/console/").content.decode()
    assert html.count('name="watch"') == 2 and html.count("checked") >= 2


def test_no_outside_hosts_in_the_page(client, hwaseong, settings) -> None:
    settings.MAP_TILE_URL = ""
    client.force_login(make_staff("op1", Role.OPERATOR, hwaseong))
    html = client.get("/console/").content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"https?://[^\s\"'<>]+", html)
    assert urls
    outside = [url for url in urls if re.match(r"^(https?:)?//", url)]
    assert outside == []
    for url in re.findall(r'src="([^"]+\.js)"', html):
        assert url.startswith("/static/")


def test_center_boundaries_geojson(client, hwaseong) -> None:
    client.force_login(make_staff("op1", Role.OPERATOR, hwaseong))
    data = client.get("/console/centers.geojson").json()
    assert data["type"] == "FeatureCollection"
    (feature,) = data["features"]
    assert feature["properties"] == {"code": "41590", "name": "화성시", "linked": True}
    assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}  # simplify may unwrap it


def test_logout_is_a_post_and_returns_to_login(client, hwaseong) -> None:
    client.force_login(make_staff("op1", Role.OPERATOR, hwaseong))
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/console/").status_code == 302
