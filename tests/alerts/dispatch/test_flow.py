"""End to end: an operator escalates from the console → the webhook reaches the fake 112 system →
its signed callbacks come back over HTTP → the alert's timeline and the citizen's app show it."""

from __future__ import annotations

import pytest

from alerts.models import Escalation
from tests.fixtures.alerts import raise_sos
from tests.fixtures.centers import logged_in
from tests.fixtures.citizens import make_app_user
from tests.fixtures.dispatch import camera_near

pytestmark = pytest.mark.django_db(transaction=True)


def test_escalate_webhook_callbacks_timeline_and_app(fake, staff, live_server, settings):
    settings.DISPATCH_CALLBACK_URL = live_server.url + "/api/v1/dispatch/callback"
    fake.send_callbacks, fake.callback_delay = True, 0.1
    camera_near()
    app = make_app_user()
    alert = raise_sos(app=app)
    client = logged_in(staff.hwaseong)

    response = client.post(f"/api/v1/console/alerts/{alert.pk}/escalate",
                           {"agencies": ["police"], "reason": "비명 청취"}, content_type="application/json")
    assert response.status_code == 200
    # Eager Celery: the webhook went out after commit, before the response came back.
    [delivery] = fake.deliveries
    assert delivery.signature_ok and delivery.payload["alert"]["id"] == alert.pk
    assert fake.wait_for(lambda: len(fake.callbacks) == 3)
    assert fake.callbacks == [("received", 200), ("dispatched", 200), ("on_scene", 200)]

    escalation = Escalation.objects.get(alert=alert)
    assert (escalation.status, escalation.delivery_status) == ("on_scene", "delivered")
    assert escalation.attempts == 1
    assert escalation.external_reference == "POLICE-00001"
    detail = client.get(f"/api/v1/console/alerts/{alert.pk}/").json()
    timeline = [(e["kind"], e["data"].get("status")) for e in detail["timeline"]]
    assert timeline == [("created", None), ("claimed", None), ("escalated", None),
                        ("escalation_delivered", None), ("dispatch_status", "received"),
                        ("dispatch_status", "dispatched"), ("dispatch_status", "on_scene")]
    assert app.client.get(f"/api/v1/alerts/{alert.pk}/").json()["status"] == "dispatched"
