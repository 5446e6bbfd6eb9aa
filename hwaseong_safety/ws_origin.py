"""The websocket's Origin check: the page that opens the console's socket must be the site itself,
same scheme, host and port (issue 15, point 10).

Channels' AllowedHostsOriginValidator compares the host name only, so a page served at
``http://127.0.0.1:9999`` (any other program on the operator's machine) could open a socket to the
console at ``http://127.0.0.1:8000`` with the operator's cookies. Here, as Django's CSRF check does
for a POST, the Origin must equal the socket's own origin (``wss`` → ``https``; behind a TLS proxy
``SECURE_PROXY_SSL_HEADER`` says so, as for HTTP requests), or be one of ``CSRF_TRUSTED_ORIGINS``;
and the Host must be one of ``ALLOWED_HOSTS``. A socket without an Origin is refused (browsers
always send one).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain

DEFAULT_PORTS = {"http": 80, "https": 443}


def _header(scope: dict, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin1")
    return None


def _origin_tuple(scheme: str, netloc: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
        port = parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:  # a port that is not a number
        return None
    if not parts.hostname or port is None:
        return None
    return scheme, parts.hostname.lower(), port


def _site_scheme(scope: dict) -> str:
    if scope.get("scheme") == "wss":
        return "https"
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if proxy:
        name, value = proxy
        header = name.removeprefix("HTTP_").lower().replace("_", "-").encode()
        forwarded = _header(scope, header)
        if forwarded is not None and forwarded.split(",", 1)[0].strip() == value:
            return "https"
    return "http"


def _trusted(origin: tuple[str, str, int]) -> bool:
    for entry in settings.CSRF_TRUSTED_ORIGINS:
        parts = urlsplit(entry)
        trusted = _origin_tuple(parts.scheme, parts.netloc.replace("*.", "wildcard.", 1))
        if trusted is None or trusted[0] != origin[0] or trusted[2] != origin[2]:
            continue
        if parts.netloc.startswith("*."):
            if is_same_domain(origin[1], "." + trusted[1].removeprefix("wildcard.")):
                return True
        elif trusted[1] == origin[1]:
            return True
    return False


def origin_allowed(scope: dict) -> bool:
    origin, host = _header(scope, b"origin"), _header(scope, b"host")
    if not origin or not host:
        return False
    allowed_hosts = settings.ALLOWED_HOSTS or (["localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else [])
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, allowed_hosts):
        return False
    parts = urlsplit(origin)
    if parts.scheme not in DEFAULT_PORTS:
        return False
    theirs = _origin_tuple(parts.scheme, parts.netloc)
    ours = _origin_tuple(_site_scheme(scope), host)
    return theirs is not None and (theirs == ours or _trusted(theirs))


class SameOriginValidator:
    def __init__(self, application: object) -> None:
        self.application = application

    async def __call__(self, scope: dict, receive: object, send: object) -> None:
        if scope["type"] == "websocket" and origin_allowed(scope):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)
