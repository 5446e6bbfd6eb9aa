"""SMS transports: a registry of small classes chosen by ``settings.SMS_TRANSPORT``.

The escalation issue adds real Korean providers (HTTP) and a fallback; they raise
``TransportError(permanent=...)`` so the outbox knows whether to retry.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from django.utils import timezone

from guardians.phones import mask

logger = logging.getLogger(__name__)


class TransportError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Sent:
    provider_message_id: str


class Transport:
    name: ClassVar[str]
    registry: ClassVar[dict[str, type[Transport]]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        Transport.registry[cls.name] = cls

    def send(self, to: str, body: str) -> Sent:
        raise NotImplementedError


class ConsoleTransport(Transport):
    """Prints to the log (development). The number is masked: no personal data in logs."""

    name = "console"

    def send(self, to: str, body: str) -> Sent:
        logger.info("SMS to %s: %s", mask(to), body)
        return Sent(provider_message_id=f"console-{uuid.uuid4().hex[:12]}")


class FileTransport(Transport):
    """One JSON file per message in ``SMS_FILE_DIR`` (the demo default): to, body, sent_at."""

    name = "file"

    def send(self, to: str, body: str) -> Sent:
        directory = Path(settings.SMS_FILE_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        message_id = uuid.uuid4().hex
        sent_at = timezone.localtime()
        payload = {"to": to, "body": body, "sent_at": sent_at.isoformat()}
        path = directory / f"{sent_at:%Y%m%dT%H%M%S}-{message_id[:12]}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        tmp.rename(path)  # readers never see a half-written file
        return Sent(provider_message_id=f"file-{message_id}")


class LocmemTransport(Transport):
    """Keeps messages in memory for tests: ``LocmemTransport.outbox``."""

    name = "locmem"
    outbox: ClassVar[list[dict[str, str]]] = []

    def send(self, to: str, body: str) -> Sent:
        LocmemTransport.outbox.append({"to": to, "body": body})
        return Sent(provider_message_id=f"locmem-{len(LocmemTransport.outbox)}")


def get_transport(name: str | None = None) -> Transport:
    name = name or settings.SMS_TRANSPORT
    try:
        return Transport.registry[name]()
    except KeyError:
        raise TransportError(f"unknown SMS transport {name!r}", permanent=True) from None
