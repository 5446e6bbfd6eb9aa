from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from hwaseong_safety.env import Env
from tests.fixtures.platform import ROOT, run_manage


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("FALSE", False), ("1", True), ("off", False)])
def test_bool_reader_accepts_clear_values(raw: str, expected: bool) -> None:
    assert Env({"DEBUG": raw}).bool("DEBUG", not expected) is expected


@pytest.mark.parametrize("raw", ["yes", "no", "tru", "2"])
def test_bool_reader_rejects_anything_else(raw: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        Env({"DEBUG": raw}).bool("DEBUG", False)


def test_int_reader_checks_type_and_range() -> None:
    env = Env({"N": "12", "BAD": "1.5", "BIG": "99"})
    assert env.int("N", 0) == 12
    assert env.int("MISSING", 7) == 7
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env.int("BAD", 0)
    with pytest.raises(ImproperlyConfigured, match="maximum"):
        env.int("BIG", 0, max_value=50)


def test_int_list_reader_refuses_a_word() -> None:
    assert Env({"S": "400, 422"}).int_list("S", []) == [400, 422]
    assert Env({}).int_list("S", [409]) == [409]
    with pytest.raises(ImproperlyConfigured, match="S='422,x' is not a comma list of integers"):
        Env({"S": "422,x"}).int_list("S", [])


def test_url_reader_checks_scheme() -> None:
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        Env({"DATABASE_URL": "mysql://x/y"}).url("DATABASE_URL", "", schemes=("postgis",))


def test_bad_debug_value_stops_the_server_from_starting() -> None:
    result = run_manage("check", DEBUG="yes")
    assert result.returncode != 0
    assert "DEBUG='yes' is not a boolean" in result.stderr


def test_a_renamed_setting_stops_the_server_with_its_new_name() -> None:
    result = run_manage("check", LOGIN_LOCKOUT_USERNAME_ATTEMPTS="5")
    assert result.returncode != 0
    assert "LOGIN_LOCKOUT_USERNAME_ATTEMPTS was renamed to LOGIN_LOCKOUT_PAIR_ATTEMPTS" in result.stderr


def test_production_mode_requires_a_secret_key() -> None:
    result = run_manage("check", HWASEONG_MODE="production", ALLOWED_HOSTS="safety.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_mode_passes_check_deploy_without_warnings() -> None:
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        HWASEONG_MODE="production", SECRET_KEY="k" * 20 + "-production-secret-0123456789abcdefXYZ",
        ALLOWED_HOSTS="safety.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _site_url(**env: str) -> str:
    full = {"SITE_URL": "", "HOST": "", "PORT": "", **env}
    unset = {k for k, v in full.items() if v == ""}
    script = "from django.conf import settings; print(settings.SITE_URL)"
    env_now = {k: v for k, v in os.environ.items() if k not in unset | {"DJANGO_SETTINGS_MODULE"}}
    env_now.update({k: v for k, v in full.items() if v})
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env_now,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]  # after shell's "N objects imported" line


def test_sms_links_follow_where_the_site_is_served() -> None:
    assert _site_url() == "http://127.0.0.1:8000"
    assert _site_url(PORT="8001") == "http://127.0.0.1:8001"  # was still :8000 (issue 15)
    assert _site_url(HOST="10.0.0.5", PORT="8080") == "http://10.0.0.5:8080"
    assert _site_url(HOST="0.0.0.0", PORT="8001") == "http://127.0.0.1:8001"
    assert _site_url(HOST="::1") == "http://[::1]:8000"
    assert _site_url(SITE_URL="https://safety.example.org/", PORT="8001") == "https://safety.example.org"
