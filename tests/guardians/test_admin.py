from __future__ import annotations

import pytest

from tests.factories import make_guardian

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(username="root", password="pw-for-tests-only")
    client.force_login(user)
    return client


def test_citizen_admin_never_shows_pin_hashes(admin_client, citizen) -> None:
    citizen.set_pins("1234", "5678")
    citizen.save()
    for url in ("/admin/guardians/citizen/", f"/admin/guardians/citizen/{citizen.pk}/change/"):
        response = admin_client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert citizen.cancel_pin not in html and citizen.duress_pin not in html
        assert 'name="cancel_pin"' not in html and 'name="duress_pin"' not in html
    assert admin_client.get("/admin/guardians/citizen/add/").status_code == 403


def test_guardian_admin_lists_and_opens(admin_client, citizen) -> None:
    guardian = make_guardian(citizen)
    assert admin_client.get("/admin/guardians/guardian/").status_code == 200
    assert admin_client.get(f"/admin/guardians/guardian/{guardian.pk}/change/").status_code == 200
