"""One visibility rule for the console's HTTP API and websocket (console.visibility)."""

from __future__ import annotations

import pytest

from console.visibility import can_see, may_open_console, visible_alerts
from operators.models import Role
from tests.factories import make_staff
from tests.fixtures.alerts import raise_sos
from tests.fixtures.centers import BORDER_HWASEONG, INSIDE_ANSAN, INSIDE_HWASEONG

pytestmark = [pytest.mark.fastpath, pytest.mark.django_db]


def test_center_bound_roles_see_their_center_and_its_border_band(staff, centers):
    inside, border, ansan = raise_sos(INSIDE_HWASEONG), raise_sos(BORDER_HWASEONG), raise_sos(INSIDE_ANSAN)
    camera_admin = make_staff("cam", role=Role.CAMERA_ADMIN, center=centers["ansan"])
    for user in (staff.hwaseong, staff.police):
        assert set(visible_alerts(user)) == {inside, border}
    assert set(visible_alerts(staff.ansan)) == {border, ansan}
    assert can_see(staff.ansan, border) and not can_see(staff.ansan, inside.pk)
    # Camera admins keep the inventory: no alert, even of their own center (docs/security.md).
    assert not visible_alerts(camera_admin).exists() and not may_open_console(camera_admin)


def test_supervisors_and_superusers_see_everything_and_system_admins_nothing(staff):
    alerts = {raise_sos(INSIDE_HWASEONG), raise_sos(INSIDE_ANSAN)}
    admin = make_staff("sysadmin", role=Role.SYSTEM_ADMIN)
    root = make_staff("root", role="")
    root.is_superuser = True
    root.save()
    for user in (staff.supervisor, root):
        assert set(visible_alerts(user)) == alerts and may_open_console(user)
    # System admins manage accounts and centers, not cases (docs/security.md).
    assert not visible_alerts(admin).exists() and not may_open_console(admin)


def test_no_center_no_role_or_inactive_sees_nothing(staff):
    raise_sos(INSIDE_HWASEONG)
    nowhere = make_staff("nowhere")  # an operator not yet given a center
    staff.police.is_active = False
    staff.police.save()
    staff.ansan.role = ""
    staff.ansan.save()
    for user in (nowhere, staff.police, staff.ansan):
        assert not visible_alerts(user).exists() and not may_open_console(user)
