"""docs/security.md's staff-account matrix, cell by cell: who may give which power to whom.

Each row of the table (between the ``staff-matrix`` markers) names one change; each column an acting
account. "yes": the change is saved and a ``staff_privileges`` (or, for a password, ``admin_change``)
access record says so; "no": the account is exactly as before and no privilege change is recorded,
whatever the answer was (form error, 403 or the login page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from operators.models import AccessAction, AccessRecord, Role, User
from tests.fixtures.platform import ROOT

pytestmark = pytest.mark.django_db

DOC = ROOT / "docs" / "security.md"
ACTORS = ("supervisor", "system_admin", "camera_admin", "operator", "police", "superuser")
PASSWORD = "pw-for-tests-only"
NEW_PASSWORD = "test-New-passw0rd-for-admin"


def read_matrix() -> dict[tuple[str, str], str]:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- staff-matrix -->")[1].split("<!-- /staff-matrix -->")[0]
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in table.strip().splitlines()]
    assert tuple(rows[0][1:]) == ACTORS, rows[0]
    return {(row[0], who): cell for row in rows[2:] for who, cell in zip(ACTORS, row[1:], strict=True)}


MATRIX = read_matrix()


def make(username: str, role: str, *, staff: bool = False, superuser: bool = False) -> User:
    return User.objects.create_user(username, password=PASSWORD, role=role, is_staff=staff or superuser,
                                     is_superuser=superuser)


def actor_account(who: str) -> User:
    if who == "superuser":
        return make("act-superuser", Role.SYSTEM_ADMIN, superuser=True)
    role = Role(who)
    return make(f"act-{who}", role, staff=role in {Role.SUPERVISOR, Role.SYSTEM_ADMIN, Role.CAMERA_ADMIN})


def the_account(who: str) -> User:
    """One the actor may change (docs/security.md): no admin-site access to begin with."""
    role = {"supervisor": Role.POLICE, "superuser": Role.POLICE}.get(who, who)
    return make("the-account", role)


@dataclass
class World:
    who: str
    actor: User
    client: Client
    root: Client  # a superuser's view of the forms, to know what an unchanged form posts


def form_data(root: Client, user: User, **changes: object) -> dict:
    form = root.get(reverse("admin:operators_user_change", args=[user.pk])).context["adminform"].form
    data = {form.add_prefix(n): form[n].value() for n in form.fields if form[n].value() is not None}
    for name in ("date_joined", "last_login"):  # split date and time widgets
        if isinstance(data.get(name), datetime):
            moment = timezone.localtime(data.pop(name))
            data |= {f"{name}_0": moment.date().isoformat(), f"{name}_1": moment.time().isoformat()}
    for flag in ("is_active", "is_staff", "is_superuser"):
        if not data.get(flag):
            data.pop(flag, None)  # an unticked checkbox is not posted
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def post_change(w: World, user: User, **changes: object) -> None:
    w.client.post(reverse("admin:operators_user_change", args=[user.pk]), form_data(w.root, user, **changes))


def perm(name: str) -> Permission:
    app, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app, codename=codename)


def state(user: User) -> tuple:
    user = User.objects.get(pk=user.pk)
    return (user.role, user.is_superuser, user.is_staff, user.is_active, user.password,
            sorted(user.groups.values_list("pk", flat=True)),
            sorted(user.user_permissions.values_list("pk", flat=True)))


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


@dataclass
class Row:
    target: Callable[[World], User | None]  # the account changed (None: the row adds one)
    act: Callable[[World, User | None], None]
    took_effect: Callable[[User | None], bool]


def account(w: World) -> User:
    return the_account(w.who)


def change(**changes: object) -> Callable[[World, User | None], None]:
    return lambda w, user: post_change(w, user, **changes)


def set_role(role: str) -> Row:
    def target(w: World) -> User:
        user = the_account(w.who)
        if user.role == role and w.who in ("supervisor", "superuser"):
            user.role = Role.OPERATOR  # start from another role the actor may change
            user.save()
        return user
    return Row(target, change(role=role), lambda u: u.role != role and fresh(u).role == role)


def set_flag(flag: str, value: bool, target: Callable[[World], User] = account) -> Row:
    return Row(target, change(**{flag: value}), lambda u: getattr(fresh(u), flag) == value)


def grant(name: str, target: Callable[[World], User] = account) -> Row:
    return Row(target, lambda w, u: post_change(w, u, user_permissions=[perm(name).pk]),
               lambda u: u.user_permissions.filter(pk=perm(name).pk).exists())


def put_in_group(w: World, user: User | None) -> None:
    group = Group.objects.create(name="citizen readers")
    group.permissions.add(perm("citizens.view_citizen"))
    post_change(w, user, groups=[group.pk])


def set_password(w: World, user: User | None) -> None:
    w.client.post(reverse("admin:auth_user_password_change", args=[user.pk]),
                  {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})


def password_set(user: User | None) -> bool:
    return fresh(user).check_password(NEW_PASSWORD)


def delete(w: World, user: User | None) -> None:
    w.client.post(reverse("admin:operators_user_delete", args=[user.pk]), {"post": "yes"})


def add_with_role(role: str) -> Row:
    def act(w: World, _user: None) -> None:
        w.client.post(reverse("admin:operators_user_add"), {
            "username": "newcomer", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
            "usable_password": "true", "role": role, "center": ""})
    return Row(lambda w: None, act, lambda _u: User.objects.filter(username="newcomer", role=role).exists())


def another_role(user: User) -> str:
    return Role.OPERATOR if user.role == Role.SUPERVISOR else Role.SUPERVISOR


def own(w: World) -> User:
    return w.actor


ROWS: dict[str, Row] = {
    "give the account role `operator`": set_role(Role.OPERATOR),
    "give the account role `police`": set_role(Role.POLICE),
    "give the account role `supervisor`": set_role(Role.SUPERVISOR),
    "give the account role `camera_admin`": set_role(Role.CAMERA_ADMIN),
    "give the account role `system_admin`": set_role(Role.SYSTEM_ADMIN),
    "make the account a superuser": set_flag("is_superuser", True),
    "give the account admin-site access": set_flag("is_staff", True),
    "deactivate the account": set_flag("is_active", False),
    "give the account permission `citizens.view_citizen`": grant("citizens.view_citizen"),
    "give the account permission `cameras.change_camera`": grant("cameras.change_camera"),
    "put the account in a group with `citizens.view_citizen`": Row(
        account, put_in_group, lambda u: u.groups.filter(name="citizen readers").exists()),
    "set the account's password": Row(account, set_password, password_set),
    "delete the account": Row(account, delete, lambda u: not User.objects.filter(pk=u.pk).exists()),
    "add an account with role `operator`": add_with_role(Role.OPERATOR),
    "add an account with role `system_admin`": add_with_role(Role.SYSTEM_ADMIN),
    "own account: another role (`supervisor`; for a supervisor `operator`)": Row(
        own, lambda w, u: post_change(w, u, role=another_role(u)), lambda u: fresh(u).role != u.role),
    "own account: superuser": Row(own, change(is_superuser=True),
                                  lambda u: fresh(u).is_superuser and not u.is_superuser),
    "own account: permission `citizens.view_citizen`": grant("citizens.view_citizen", own),
    "deactivate a supervisor": set_flag("is_active", False,
                                        lambda w: make("a-supervisor", Role.SUPERVISOR, staff=True)),
    "set a system admin's password": Row(lambda w: make("a-sysadmin", Role.SYSTEM_ADMIN, staff=True),
                                         set_password, password_set),
    "set a superuser's password": Row(lambda w: make("a-root", Role.SYSTEM_ADMIN, superuser=True),
                                      set_password, password_set),
}


def test_the_doc_and_the_tests_cover_the_same_rows() -> None:
    assert {row for row, _who in MATRIX} == set(ROWS)
    assert set(MATRIX.values()) == {"yes", "no"}


CELLS = sorted(MATRIX)


@pytest.mark.parametrize(("row", "who"), CELLS, ids=[f"{w}:{r}" for r, w in CELLS])
def test_cell(row: str, who: str) -> None:
    root = Client()
    root.force_login(make("root", Role.SYSTEM_ADMIN, superuser=True))
    actor = actor_account(who)
    client = Client()
    client.force_login(actor)
    world = World(who, actor, client, root)
    spec = ROWS[row]
    target = spec.target(world)
    before = {u.pk: state(u) for u in User.objects.all()}
    spec.act(world, target)
    privileges = AccessRecord.objects.filter(action=AccessAction.STAFF_PRIVILEGES)
    if MATRIX[(row, who)] == "yes":
        assert spec.took_effect(target), (row, who)
        if "password" in row or "delete" in row:
            action = AccessAction.ADMIN_CHANGE if "password" in row else AccessAction.ADMIN_DELETE
            assert AccessRecord.objects.get(action=action).account == actor
        else:
            record = privileges.get()
            assert record.account == actor and record.detail["changes"]
            changed = User.objects.get(username=target.username if target else "newcomer")
            assert record.target == f"operators.user:{changed.pk}"
    else:
        assert not spec.took_effect(target), (row, who)
        assert not privileges.exists()
        assert {u.pk: state(u) for u in User.objects.all()} == before  # nothing else moved either
