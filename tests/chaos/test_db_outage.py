"""PostgreSQL refusing connections (a restart, a failover), through chaos.proxy.RefusingProxy in
front of the test database: an SOS waits for it and is stored once; past SOS_DB_WAIT_SECONDS, and
for every other request, the answer is 503 with Retry-After, never a 500."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import pytest
from django.db import connection

from alerts.models import Alert
from chaos.proxy import RefusingProxy
from tests.fixtures.alerts import loc, sos_body
from tests.fixtures.centers import INSIDE_HWASEONG
from tests.fixtures.citizens import make_app_user

pytestmark = pytest.mark.django_db(transaction=True)


@contextlib.contextmanager
def through_proxy(free_tcp_port: int) -> Iterator[RefusingProxy]:
    """The default connection (and its pool) goes through a proxy we can make refuse."""
    settings_dict = connection.settings_dict
    saved_host, saved_port = settings_dict["HOST"], settings_dict["PORT"]
    saved_pool = settings_dict["OPTIONS"].get("pool")
    proxy = RefusingProxy(free_tcp_port, int(saved_port or 5432)).start()
    connection.close()
    connection.close_pool()
    settings_dict.update(HOST="127.0.0.1", PORT=str(free_tcp_port))
    if saved_pool:  # waiting 10 s for a pooled connection would make every case slow
        settings_dict["OPTIONS"]["pool"] = {**saved_pool, "timeout": 1}
    try:
        yield proxy
    finally:
        proxy.accept()
        connection.close()
        connection.close_pool()
        settings_dict.update(HOST=saved_host, PORT=saved_port)
        if saved_pool:
            settings_dict["OPTIONS"]["pool"] = saved_pool
        proxy.stop()


def test_an_sos_waits_out_a_short_outage_and_is_stored_once(centers, free_tcp_port, settings) -> None:
    settings.SOS_DB_WAIT_SECONDS = 8
    user = make_app_user()
    body = sos_body(loc(INSIDE_HWASEONG))
    with through_proxy(free_tcp_port) as proxy:
        assert user.client.get("/api/v1/alerts/").status_code == 200  # pooled connections exist
        proxy.refuse()  # cuts them, and refuses new ones...
        threading.Timer(1.5, proxy.accept).start()  # ...for 1.5 s
        response = user.client.post("/api/v1/alerts/", body, format="json")
    assert response.status_code == 201, response.content
    assert Alert.objects.filter(client_id=body["client_id"]).count() == 1


def test_past_the_wait_an_sos_is_a_503_to_send_again_and_nothing_is_half_stored(
        centers, free_tcp_port, settings) -> None:
    settings.SOS_DB_WAIT_SECONDS = 0.5
    user = make_app_user()
    body = sos_body(loc(INSIDE_HWASEONG))
    with through_proxy(free_tcp_port) as proxy:
        proxy.refuse()
        refused = user.client.post("/api/v1/alerts/", body, format="json")
        other = user.client.get("/api/v1/alerts/")
        proxy.accept()
        # The app's retry. The pool reconnects with backoff (1, 2, 4 s …): the SOS waits for it.
        settings.SOS_DB_WAIT_SECONDS = 8
        again = user.client.post("/api/v1/alerts/", body, format="json")
    for response in (refused, other):
        assert response.status_code == 503
        assert response["Retry-After"] == "2"
        assert "다시" in response.json()["detail"]  # "send it again", in the default Korean
    assert again.status_code == 201
    assert Alert.objects.filter(client_id=body["client_id"]).count() == 1
