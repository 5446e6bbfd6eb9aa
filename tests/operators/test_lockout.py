"""Login lockout on the console and admin logins: counters in the real Redis cache."""

from __future__ import annotations

import logging
import time

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client, RequestFactory
from django.test.utils import override_settings
from django.utils import translation
from django.utils.html import escape

from operators import lockout
from operators.models import AccessAction, AccessRecord, Role, User

pytestmark = [pytest.mark.fastpath, pytest.mark.django_db]

PASSWORD = "test-right-password"


def locked_message(minutes: int = 15) -> str:
    """The lockout message as the (Korean-first) login pages show it, from the catalog in use."""
    with translation.override("ko"):
        error = lockout.locked_error(lockout.Lock("username", time.time() + minutes * 60 - 1))
        return escape(error.messages[0])




@pytest.fixture
def operator() -> User:
    return User.objects.create_user("op-lock", password=PASSWORD, role=Role.OPERATOR)


@pytest.fixture
def admin_user() -> User:
    return User.objects.create_superuser("admin-lock", "a@example.invalid", PASSWORD, role=Role.SYSTEM_ADMIN)


def console_login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def admin_login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post("/admin/login/", {"username": username, "password": password, "next": "/admin/"},
                       REMOTE_ADDR=ip)


def test_five_failures_lock_the_console_login_even_for_the_right_password(operator, caplog) -> None:
    client = Client()
    for _ in range(4):
        response = console_login(client, "op-lock", "wrong")
        assert response.status_code == 200
        assert locked_message() not in response.content.decode()
    with caplog.at_level(logging.INFO, logger="operators.lockout"):
        fifth = console_login(client, "op-lock", "wrong-again")
    assert fifth.status_code == 200
    # The lock is logged with the username and address, never with a password.
    locks = [r.getMessage() for r in caplog.records if "login locked" in r.getMessage()]
    assert len(locks) == 1 and "op-lock" in locks[0] and "10.0.0.1" in locks[0]
    assert not any("wrong" in r.getMessage() for r in caplog.records)

    right = console_login(client, "op-lock", PASSWORD)
    wrong = console_login(client, "op-lock", "wrong")
    # Locked: the right password gets exactly the answer a wrong one gets, and no session.
    assert SESSION_KEY not in client.session
    assert right.status_code == wrong.status_code == 200
    assert locked_message(15) in right.content.decode()
    assert _without_csrf(right.content) == _without_csrf(wrong.content)


def _without_csrf(content: bytes) -> bytes:
    import re

    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def test_a_lock_is_per_username_and_address_and_ends_after_the_lock_time(operator) -> None:
    client = Client()
    for _ in range(5):
        console_login(client, "OP-LOCK", "wrong", ip="10.0.1.1")  # the username's case doesn't matter
    assert locked_message() in console_login(client, "op-lock", PASSWORD, ip="10.0.1.1").content.decode()
    # The same account from its own console's address is not locked by failures elsewhere.
    assert console_login(Client(), "op-lock", PASSWORD, ip="10.9.9.9").status_code == 302
    with time_machine.travel(time.time() + 15 * 60 + 1):
        response = console_login(Client(), "op-lock", PASSWORD, ip="10.0.1.1")
        assert response.status_code == 302 and response["Location"] == "/console/"


def test_a_stranger_cannot_lock_an_operator_out(operator) -> None:
    """Issue 16, point 12: five wrong passwords from anywhere used to lock a known operator out for
    15 minutes, a denial of service on a 24/7 center."""
    for address in range(6):
        for _ in range(5):
            console_login(Client(), "op-lock", "guess", ip=f"203.0.113.{address}")
    assert console_login(Client(), "op-lock", PASSWORD, ip="10.0.0.1").status_code == 302
    assert not AccessRecord.objects.filter(action=AccessAction.LOGIN_ALERT).exists()  # under the bar


@override_settings(LOGIN_LOCKOUT_USERNAME_ALERT_ATTEMPTS=12)
def test_a_distributed_attack_alerts_the_supervisors_and_shuts_out_new_addresses(operator, caplog) -> None:
    assert console_login(Client(), "op-lock", PASSWORD, ip="10.0.0.1").status_code == 302  # known address
    with caplog.at_level(logging.WARNING, logger="operators.lockout"):
        for i in range(12):
            console_login(Client(), "op-lock", "guess", ip=f"203.0.113.{i}")  # 1 per address: no lock
    alert = AccessRecord.objects.get(action=AccessAction.LOGIN_ALERT)
    assert alert.detail["account"] == operator.pk and alert.detail["failures"] == 12
    assert alert.target == f"operators.user:{operator.pk}" and alert.ip == "203.0.113.11"
    assert any("login alert" in r.getMessage() for r in caplog.records)
    # The operator's own console still logs in; a new address is refused, even with the password.
    assert console_login(Client(), "op-lock", PASSWORD, ip="10.0.0.1").status_code == 302
    refused = console_login(Client(), "op-lock", PASSWORD, ip="198.51.100.1")
    assert locked_message() in refused.content.decode()
    # Supervisors see it on the admin's front page; a system admin (no access log) does not.
    supervisor = User.objects.create_user("sup-lock", password=PASSWORD, role=Role.SUPERVISOR, is_staff=True)
    sysadmin = User.objects.create_user("sys-lock", password=PASSWORD, role=Role.SYSTEM_ADMIN, is_staff=True)
    pages = {}
    for user in (supervisor, sysadmin):
        client = Client()
        client.force_login(user)
        pages[user.role] = client.get("/admin/").content.decode()
    assert "계정 op-lock에 로그인 실패 12회" in pages[Role.SUPERVISOR]  # Korean first
    assert "op-lock" not in pages[Role.SYSTEM_ADMIN]
    lockout.unlock(username="op-lock")  # a supervisor who checked with the operator lifts it
    assert console_login(Client(), "op-lock", PASSWORD, ip="198.51.100.1").status_code == 302


def test_the_admin_login_is_locked_too_with_the_message(admin_user) -> None:
    client = Client()
    for _ in range(5):
        assert admin_login(client, "admin-lock", "wrong").status_code == 200
    response = admin_login(client, "admin-lock", PASSWORD)
    assert response.status_code == 200
    assert locked_message() in response.content.decode()
    assert SESSION_KEY not in client.session
    # Another account is not affected by that username's lock.
    other = User.objects.create_superuser("admin-2", "b@example.invalid", PASSWORD, role=Role.SYSTEM_ADMIN)
    assert admin_login(client, other.username, PASSWORD, ip="10.0.0.2").status_code == 302


@override_settings(LOGIN_LOCKOUT_IP_ATTEMPTS=3)
def test_an_address_guessing_many_usernames_is_locked(operator) -> None:
    client = Client()
    for name in ("alice", "bob", "carol"):
        console_login(client, name, "guess", ip="192.0.2.7")
    assert locked_message() in console_login(client, "op-lock", PASSWORD, ip="192.0.2.7").content.decode()
    # The same account from another address still logs in: the lock is the address's.
    assert console_login(Client(), "op-lock", PASSWORD, ip="192.0.2.8").status_code == 302


@override_settings(REST_FRAMEWORK={"NUM_PROXIES": 1})
def test_behind_a_proxy_the_forwarded_address_counts(operator) -> None:
    client = Client()
    for i in range(lockout.settings.LOGIN_LOCKOUT_IP_ATTEMPTS):
        client.post("/login/", {"username": f"user{i}", "password": "x"}, REMOTE_ADDR="10.0.0.254",
                    HTTP_X_FORWARDED_FOR="198.51.100.9")
    # Everyone comes through the proxy's address; only the forwarded client is locked.
    locked = client.post("/login/", {"username": "op-lock", "password": PASSWORD}, REMOTE_ADDR="10.0.0.254",
                         HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert locked_message() in locked.content.decode()
    ok = Client().post("/login/", {"username": "op-lock", "password": PASSWORD}, REMOTE_ADDR="10.0.0.254",
                       HTTP_X_FORWARDED_FOR="198.51.100.10")
    assert ok.status_code == 302


def test_a_good_login_clears_the_usernames_failures(operator) -> None:
    client = Client()
    for _ in range(4):
        console_login(client, "op-lock", "wrong")
    assert console_login(client, "op-lock", PASSWORD).status_code == 302
    client.post("/logout/")
    for _ in range(4):
        console_login(client, "op-lock", "wrong")
    assert console_login(client, "op-lock", PASSWORD).status_code == 302


def test_counters_are_shared_through_redis_not_process_memory(operator) -> None:
    for _ in range(5):
        console_login(Client(), "op-lock", "wrong")
    # What another web process would see: the lock read straight from the cache.
    request = RequestFactory().post("/login/", REMOTE_ADDR="10.0.0.1")
    lock = lockout.current_lock(request, "op-lock")
    assert lock is not None and lock.scope == "pair"
    lockout.unlock(username="op-lock", ip="10.0.0.1")
    assert lockout.current_lock(request, "op-lock") is None
    assert console_login(Client(), "op-lock", PASSWORD).status_code == 302
