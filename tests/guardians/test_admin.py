from __future__ import annotations

import pytest

from tests.factories import make_guardian

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(username="root", password="pw-for-tests-only")
    client.force_login(user)
    return client


def test_guardian_admin_lists_and_opens(admin_client, citizen) -> None:
    guardian = make_guardian(citizen)
    assert admin_client.get("/admin/guardians/guardian/").status_code == 200
    assert admin_client.get(f"/admin/guardians/guardian/{guardian.pk}/change/").status_code == 200
