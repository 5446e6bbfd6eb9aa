"""The one outbound HTTP client: every request to another system (SMS providers, the 112/119
dispatch systems, the demo's fake agency calling back) goes through ``request``.

Failures come out as ``TransportError``:

* ``permanent=False``: worth trying again later (timeout, refused or reset connection, DNS, 408,
  429, 5xx); ``retry_after`` carries the server's Retry-After seconds when it sent one;
* ``permanent=True``: trying again will not help (any other 4xx, an invalid URL, our configuration);
* ``message_fault=True`` (implies permanent): the message itself is refused, not the channel.

Error text never carries a mobile number (``scrub``): it ends up in logs and in rows operators
read. No redirects are followed: a webhook that moved is a configuration to fix, not to guess.
"""

from __future__ import annotations

import re

import httpx


class TransportError(Exception):
    def __init__(self, message: str, *, permanent: bool = False, message_fault: bool = False,
                 retry_after: float | None = None) -> None:
        super().__init__(scrub(message))
        self.permanent = permanent or message_fault
        self.message_fault = message_fault
        self.retry_after = retry_after


RETRY_STATUSES = frozenset({408, 429})  # 4xx that mean "later", not "never"

_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(01[016789])[-\s]?\d{3,4}[-\s]?(\d{4})(?!\d)")


def scrub(text: str) -> str:
    """Mask mobile numbers a server echoes in its answer (010-****-5678)."""
    return _MOBILE_IN_TEXT.sub(lambda m: f"{m.group(1)}-****-{m.group(2)}", text)


def client(timeout: float) -> httpx.Client:
    """A client with the caller's timeout, never following redirects (tests wrap this)."""
    return httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False)


def _prefixed(label: str, text: str) -> str:
    return f"{label}: {text}" if label else text


def request(method: str, url: str, *, timeout: float, headers: dict[str, str], content: bytes,
            label: str = "") -> httpx.Response:
    """Send one request and return the answer, whatever its status (``check`` classifies it).
    Raises TransportError when no answer came back. ``label`` starts every error's text."""
    try:
        with client(timeout) as session:
            return session.request(method, url, headers=headers, content=content)
    except httpx.TimeoutException as exc:
        raise TransportError(_prefixed(label, f"timeout ({type(exc).__name__})")) from exc
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:  # our configuration: no retry fixes it
        raise TransportError(_prefixed(label, type(exc).__name__), permanent=True) from exc
    except httpx.TransportError as exc:  # refused, reset, DNS, TLS: the network, not the request
        raise TransportError(_prefixed(label, type(exc).__name__)) from exc
    except httpx.HTTPError as exc:  # any other failure of the request itself: not worth repeating
        raise TransportError(_prefixed(label, type(exc).__name__), permanent=True) from exc


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None


def status_error(response: httpx.Response, *, label: str = "", detail: str | None = None,
                 message_fault: bool = False) -> TransportError:
    """The error for a non-2xx answer. 408/429/5xx are the server's passing trouble; any other 4xx
    will not change by trying again. ``detail`` (default: the reason phrase) follows the status:
    SMS providers explain themselves in the body, which operators find useful."""
    code = response.status_code
    text = _prefixed(label, f"HTTP {code} {response.reason_phrase if detail is None else detail}".strip())
    if code >= 500 or code in RETRY_STATUSES:
        return TransportError(text, retry_after=retry_after(response))
    return TransportError(text, permanent=True, message_fault=message_fault)


def check(response: httpx.Response, **kwargs: object) -> httpx.Response:
    """``response`` if it is a 2xx, else raise ``status_error(response, **kwargs)``."""
    if not response.is_success:
        raise status_error(response, **kwargs)  # type: ignore[arg-type]
    return response


def post(url: str, *, timeout: float, headers: dict[str, str], content: bytes,
         label: str = "") -> httpx.Response:
    """``request("POST", ...)``, checked: the answer if it is a 2xx, else TransportError."""
    return check(request("POST", url, timeout=timeout, headers=headers, content=content, label=label),
                 label=label)
