"""HMAC-SHA256 signatures over ``timestamp + "." + body``, the same way in both directions.

Signing the timestamp with the body lets a receiver refuse a replayed request once it is older
than its window; the comparison is constant-time so the signature can't be guessed byte by byte.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Hwaseong-Signature"
TIMESTAMP_HEADER = "X-Hwaseong-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
AGENCY_HEADER = "X-Hwaseong-Agency"
PREFIX = "sha256="


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return PREFIX + mac.hexdigest()


def signed_headers(secret: str, body: bytes, *, agency: str, idempotency_key: str | None = None,
                   now: float | None = None) -> dict[str, str]:
    timestamp = str(int(time.time() if now is None else now))
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature(secret, timestamp, body),
        TIMESTAMP_HEADER: timestamp,
        AGENCY_HEADER: agency,
    }
    if idempotency_key:
        headers[IDEMPOTENCY_HEADER] = idempotency_key
    return headers


def timestamp_fresh(timestamp: str | None, max_skew_s: int, now: float | None = None) -> bool:
    """Within ``max_skew_s`` of now, either way (clocks drift both ways)."""
    if not timestamp or not timestamp.isdigit():
        return False
    return abs((time.time() if now is None else now) - int(timestamp)) <= max_skew_s


def signature_valid(secret: str, timestamp: str | None, body: bytes, given: str | None) -> bool:
    if not secret or not timestamp or not given:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body).encode(), given.strip().encode())
