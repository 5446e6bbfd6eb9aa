from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(username="root", password="pw-for-tests-only")
    client.force_login(user)
    return client


def test_citizen_admin_never_shows_pin_hashes(admin_client, citizen) -> None:
    citizen.set_pins("1234", "5678")
    citizen.save()
    for url in ("/admin/citizens/citizen/", f"/admin/citizens/citizen/{citizen.pk}/change/"):
        response = admin_client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert citizen.cancel_pin not in html and citizen.duress_pin not in html
        assert 'name="cancel_pin"' not in html and 'name="duress_pin"' not in html
    assert admin_client.get("/admin/citizens/citizen/add/").status_code == 403


def test_citizen_page_lists_the_guardians(admin_client, citizen) -> None:
    citizen.guardians.create(name="엄마", phone="01022223333", decline_token="d" * 64)
    html = admin_client.get(f"/admin/citizens/citizen/{citizen.pk}/change/").content.decode()
    assert "엄마" in html
