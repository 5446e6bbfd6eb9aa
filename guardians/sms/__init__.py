"""All SMS go through one path: ``queue_sms`` writes the row, a task sends it after commit."""

from __future__ import annotations

from guardians.sms.outbox import queue_many, queue_sms

# Every message starts with the service's name, so people recognise it (and its spoofs).
SMS_PREFIX = "[화성안전귀가]"

__all__ = ["SMS_PREFIX", "queue_many", "queue_sms"]
