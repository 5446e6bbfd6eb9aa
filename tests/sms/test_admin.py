"""The SMS outbox in the admin is history: it can be read, never changed."""

from __future__ import annotations

import pytest

from sms.models import SmsMessage

pytestmark = pytest.mark.django_db


def test_sms_admin_is_read_only(admin_client) -> None:
    message = SmsMessage.objects.create(to="01012345678", body="본문", purpose="verification")
    assert admin_client.get("/admin/sms/smsmessage/").status_code == 200
    page = admin_client.get(f"/admin/sms/smsmessage/{message.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    change = admin_client.post(f"/admin/sms/smsmessage/{message.pk}/change/", {"body": "x"})
    assert change.status_code == 403
    assert admin_client.post(f"/admin/sms/smsmessage/{message.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/sms/smsmessage/add/").status_code == 403
