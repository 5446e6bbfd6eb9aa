"""All SMS go through one path: ``queue_sms`` writes the row, a task sends it after commit."""

from __future__ import annotations

from guardians.sms.outbox import queue_sms

__all__ = ["queue_sms"]
