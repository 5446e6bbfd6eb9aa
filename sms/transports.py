"""SMS transports: a registry of small classes chosen by ``settings.SMS_TRANSPORT``.

Each ``send(to, body, key=...)`` returns ``Sent`` or raises ``TransportError`` (the outbound
client's, hwaseong_safety.outbound.http):

* ``permanent=False`` — worth trying again later (5xx, 408, 429, timeout, connection error);
* ``permanent=True`` — this transport will not send it (auth, configuration, 4xx);
* ``message_fault=True`` (implies permanent) — the message itself is refused (invalid recipient,
  too long): no transport can send it, so the fallback is not tried either.

``key`` is stable for one message across all its attempts (``sms-<id>``): transports whose
provider supports an idempotency key send it, so a retry after a crash is not a second SMS.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import httpx
from django.conf import settings
from django.utils import timezone

from hwaseong_safety.outbound import http as outbound_http
from hwaseong_safety.outbound.http import TransportError, scrub
from hwaseong_safety.phones import mask
from sms.length import LMS_MAX_BYTES, message_type, too_long

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sent:
    provider_message_id: str


class Transport:
    name: ClassVar[str]
    registry: ClassVar[dict[str, type[Transport]]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        Transport.registry[cls.name] = cls

    def send(self, to: str, body: str, *, key: str = "") -> Sent:
        raise NotImplementedError


class ConsoleTransport(Transport):
    """Prints to the log (development). The number is masked: no personal data in logs."""

    name = "console"

    def send(self, to: str, body: str, *, key: str = "") -> Sent:
        # Not the body: it names the citizen and carries a live-location link.
        logger.info("SMS to %s (%s characters)", mask(to), len(body))
        return Sent(provider_message_id=f"console-{uuid.uuid4().hex[:12]}")


class FileTransport(Transport):
    """One JSON file per message in ``SMS_FILE_DIR`` (the demo default): to, body, sent_at."""

    name = "file"

    def send(self, to: str, body: str, *, key: str = "") -> Sent:
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

    def send(self, to: str, body: str, *, key: str = "") -> Sent:
        LocmemTransport.outbox.append({"to": to, "body": body})
        return Sent(provider_message_id=f"locmem-{len(LocmemTransport.outbox)}")


# --- HTTP providers (through the one outbound client, hwaseong_safety.outbound.http) ------------

def _post(name: str, method: str, url: str, *, headers: dict[str, str], content: bytes) -> httpx.Response:
    """A short timeout: a provider that hangs must not hold a guardian's SOS; the task retries,
    or falls back, instead."""
    return outbound_http.request(method, url, timeout=settings.SMS_HTTP_TIMEOUT, headers=headers,
                                 content=content, label=name)


def _status_error(name: str, response: httpx.Response, *, message_fault: bool = False) -> TransportError:
    # The provider's own words help operators: short, and with any number masked.
    return outbound_http.status_error(response, label=name, detail=response.text[:200],
                                      message_fault=message_fault)


def _check_length(body: str) -> None:
    if too_long(body):
        raise TransportError(f"body longer than {LMS_MAX_BYTES} bytes (EUC-KR)", message_fault=True)


def fill_template(template: Any, values: dict[str, str]) -> Any:
    """Replace ``{name}`` placeholders inside the *string values* of a parsed JSON template.
    The values never touch JSON syntax: ``json.dumps`` escapes quotes, backslashes and newlines."""
    if isinstance(template, str):
        for name, value in values.items():
            template = template.replace("{" + name + "}", value)
        return template
    if isinstance(template, list):
        return [fill_template(item, values) for item in template]
    if isinstance(template, dict):
        return {key: fill_template(item, values) for key, item in template.items()}
    return template


def _json_path(data: Any, path: str) -> str | None:
    """``"result.messageId"`` or ``"messages.0.id"`` → the value there, as text; None if absent."""
    for part in path.split("."):
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return None if data is None or isinstance(data, dict | list) else str(data)


class HttpTransport(Transport):
    """A generic HTTP gateway (many Korean resellers, or an in-house relay), configured entirely
    in settings: ``SMS_HTTP_URL``, ``_METHOD``, ``_BODY_TEMPLATE``, ``_AUTH_HEADER``/``_AUTH_VALUE``,
    ``_ID_PATH``, ``_IDEMPOTENCY_HEADER``, ``_RECIPIENT_ERROR_STATUSES``."""

    name = "http"

    def send(self, to: str, body: str, *, key: str = "") -> Sent:
        _check_length(body)
        url = settings.SMS_HTTP_URL
        if not url:
            raise TransportError("http: SMS_HTTP_URL is not set", permanent=True)
        try:
            template = json.loads(settings.SMS_HTTP_BODY_TEMPLATE)
        except ValueError as exc:
            raise TransportError("http: SMS_HTTP_BODY_TEMPLATE is not valid JSON", permanent=True) from exc
        payload = fill_template(template, {"to": to, "body": body, "type": message_type(body)})
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        auth_header = settings.SMS_HTTP_AUTH_HEADER
        auth_value = settings.SMS_HTTP_AUTH_VALUE
        if auth_header and auth_value:
            headers[auth_header] = auth_value
        idempotency_header = settings.SMS_HTTP_IDEMPOTENCY_HEADER
        if idempotency_header and key:
            headers[idempotency_header] = key
        method = settings.SMS_HTTP_METHOD.upper()
        content = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        response = _post(self.name, method, url, headers=headers, content=content)
        if not response.is_success:
            refused = response.status_code in settings.SMS_HTTP_RECIPIENT_ERROR_STATUSES
            raise _status_error(self.name, response, message_fault=refused)
        provider_id = None
        id_path = settings.SMS_HTTP_ID_PATH
        if id_path:
            try:
                provider_id = _json_path(response.json(), id_path)
            except ValueError:
                provider_id = None
        if not provider_id:
            # No id from the gateway: a stable hash of what we sent and what it answered, so the
            # row still says something an operator can quote to the provider.
            digest = hashlib.sha256(key.encode() + content + response.content).hexdigest()[:32]
            provider_id = f"http-{digest}"
        return Sent(provider_message_id=provider_id[:100])


def sens_signature(secret_key: str, method: str, path: str, timestamp: str, access_key: str) -> str:
    """NAVER Cloud API Gateway signature v2: HMAC-SHA256 over "METHOD path\\ntimestamp\\naccessKey",
    base64-encoded. ``path`` includes the query string, if any."""
    message = f"{method} {path}\n{timestamp}\n{access_key}"
    digest = hmac.new(secret_key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


class NaverSensTransport(Transport):
    """NAVER Cloud SENS SMS v2 (also on NAVER's public-sector cloud; set ``SMS_SENS_BASE_URL``).

    SENS has no idempotency key: a request repeated after a crash may be a second SMS (see
    docs/sms.md for why that is the right side to err on)."""

    name = "naver_sens"

    def send(self, to: str, body: str, *, key: str = "") -> Sent:
        _check_length(body)
        service_id = settings.SMS_SENS_SERVICE_ID
        access_key = settings.SMS_SENS_ACCESS_KEY
        secret_key = settings.SMS_SENS_SECRET_KEY
        sender = settings.SMS_SENS_FROM
        if not (service_id and access_key and secret_key and sender):
            raise TransportError("naver_sens: SMS_SENS_* settings are incomplete", permanent=True)
        base = settings.SMS_SENS_BASE_URL.rstrip("/")
        path = f"/sms/v2/services/{service_id}/messages"
        kind = message_type(body)
        payload: dict[str, Any] = {
            "type": kind, "contentType": "COMM", "countryCode": "82",
            "from": sender, "content": body, "messages": [{"to": to}],
        }
        if kind == "LMS":
            payload["subject"] = settings.SMS_SENS_LMS_SUBJECT
        timestamp = str(int(time.time() * 1000))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "x-ncp-apigw-timestamp": timestamp,
            "x-ncp-iam-access-key": access_key,
            "x-ncp-apigw-signature-v2": sens_signature(secret_key, "POST", path, timestamp, access_key),
        }
        content = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        response = _post(self.name, "POST", base + path, headers=headers, content=content)
        if not response.is_success:
            # 400 may be a bad number or a bad request of ours; 401/403/404 are keys or service id.
            # None of them is surely the recipient's fault, so all may go to the fallback.
            raise _status_error(self.name, response)
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict) or str(data.get("statusCode")) != "202" or not data.get("requestId"):
            # A 2xx we cannot read as "accepted": not a success we may record. Permanent, so the
            # fallback sends it — a possible duplicate beats a guardian never told.
            detail = scrub(response.text[:200])
            raise TransportError(f"naver_sens: unexpected answer {detail}", permanent=True)
        return Sent(provider_message_id=str(data["requestId"])[:100])


def get_transport(name: str | None = None) -> Transport:
    name = name or settings.SMS_TRANSPORT
    try:
        return Transport.registry[name]()
    except KeyError:
        raise TransportError(f"unknown SMS transport {name!r}", permanent=True) from None
