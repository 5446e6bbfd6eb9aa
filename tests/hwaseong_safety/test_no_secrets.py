"""No secrets in the repository: every tracked file (``git ls-files``) is searched for private-key
blocks and the usual shapes of live credentials."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.fixtures.platform import ROOT

PATTERNS = {
    "private key block": re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b"),
    "Stripe-style live key": re.compile(r"\b[rs]k_live_[0-9A-Za-z]{16,}\b"),
    "JWT": re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    "credentials in a URL": re.compile(
        r"\b(?:postgres(?:ql)?|postgis|redis|rediss|amqp|mysql|https?)://[^\s:/@'\"]+:"
        r"(?!hwaseong@|pass(?:word)?@|secret@|\$|\{|<)[^\s@'\"]{6,}@"
    ),
    # SECRET_KEY = "…" with a real-looking value (the development default says so in its name).
    "hard-coded secret setting": re.compile(
        r"""\b(?:SECRET_KEY|[A-Z_]*_SECRET|[A-Z_]*SECRET_KEY|[A-Z_]*API_KEY|[A-Z_]*PASSWORD)\s*=\s*["']"""
        r"""(?!dev-only-insecure|test|fake|dummy|example|changeme)[A-Za-z0-9+/_\-]{24,}["']"""
    ),
}
# Files that are themselves about finding secrets.
SKIP = {"tests/hwaseong_safety/test_no_secrets.py"}


def tracked_files() -> list[str]:
    if not shutil.which("git") or not (ROOT / ".git").exists():
        pytest.fail("needs the git checkout: the test reads `git ls-files`")
    result = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    return [name for name in result.stdout.decode().split("\0") if name]


def find_secrets(text: str) -> list[str]:
    return [name for name, pattern in PATTERNS.items() if pattern.search(text)]


def test_patterns_catch_what_they_are_for() -> None:
    key = "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIEow...\n"
    assert find_secrets(key) == ["private key block"]
    assert find_secrets("aws = 'AKIA" + "ABCDEFGHIJKLMNOP'") == ["AWS access key id"]
    assert find_secrets("DATABASE_URL=postgres://app:" + "s3cr3t-Pa55w0rd@db/x") == ["credentials in a URL"]
    assert find_secrets('DISPATCH_POLICE_SECRET = "' + "q8Zr2" * 6 + '"') == ["hard-coded secret setting"]
    # What the repository legitimately holds: the demo database URL and the development key.
    assert find_secrets("postgis://hwaseong:hwaseong@127.0.0.1:5432/hwaseong") == []
    dev_key = 'SECRET_KEY = env.str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")'
    assert find_secrets(dev_key) == []


def test_no_tracked_file_holds_a_secret() -> None:
    found: dict[str, list[str]] = {}
    for name in tracked_files():
        path = ROOT / name
        if name in SKIP or not path.is_file() or path.stat().st_size > 5_000_000:
            continue
        data = path.read_bytes()
        if b"\0" in data[:4096]:
            continue  # binary (images, compiled catalogs)
        hits = find_secrets(data.decode("utf-8", errors="replace"))
        if hits:
            found[name] = hits
    assert found == {}


def test_demo_outputs_are_ignored_by_git() -> None:
    # Where the demo writes SMS (phone numbers, tracking links) and the browser tests screenshots.
    for name in ("var/sms/x.json", "test-artifacts/x.png"):
        result = subprocess.run(["git", "check-ignore", "-q", name], cwd=ROOT)
        assert result.returncode == 0, f"{name} would be committable"
