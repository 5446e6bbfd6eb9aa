"""Content security policy for every HTML page (docs/hardening.md).

Django 5.2 has no CSP of its own. The policy is built once from settings at start-up; a malformed
``CSP_EXTRA`` stops the server like any other bad setting. Only the websocket sources depend on the
request (the host the browser used), so they are added per response.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# No 'unsafe-inline' and no 'unsafe-eval' anywhere: every script and style is a static file.
BASE_POLICY: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    # data: for Leaflet's and the admin's small inline images, blob: for snapshots drawn locally.
    "img-src": ("'self'", "data:", "blob:"),
    # hls.js feeds <video> through MediaSource (blob: URLs) and runs its demuxer in a blob: worker.
    "media-src": ("'self'", "blob:"),
    "worker-src": ("'self'", "blob:"),
    "connect-src": ("'self'",),  # the console's websocket (ws:/wss: of this host) is added per request
    "font-src": ("'self'", "data:"),
    "object-src": ("'none'",),
    "frame-src": ("'none'",),
    "frame-ancestors": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
    "manifest-src": ("'self'",),
}
# Browser features no page of ours uses (the guardian's phone shares no location through the page;
# positions come from the app).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# Directives CSP_EXTRA may extend: fetch directives only (never frame-ancestors, base-uri, ...).
EXTENDABLE = frozenset({
    "default-src", "script-src", "style-src", "img-src", "media-src", "worker-src", "connect-src",
    "font-src", "frame-src", "manifest-src",
})
# scheme://host[:port]; a "*." prefix is allowed, a bare "*" host (any site) is not.
_HOST_SOURCE = re.compile(
    r"^(?:https?|wss?)://(?:\*\.)?(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::(?:\d{1,5}|\*))?$"
)
# Whole schemes (any host) only where the worst case is a picture or a sound, never for code.
_SCHEME_SOURCES = {"data:", "blob:", "https:"}
_CODE_DIRECTIVES = {"default-src", "script-src", "style-src", "worker-src"}


def origin_of(url: str) -> str | None:
    """``http://{s}.tiles.local:8080/{z}/{x}/{y}.png`` → ``http://*.tiles.local:8080``."""
    if not url:
        return None
    parts = urlsplit(url.replace("{s}", "*"))
    origin = f"{parts.scheme}://{parts.netloc}"
    if parts.scheme not in {"http", "https"} or not _HOST_SOURCE.match(origin):
        raise ImproperlyConfigured(f"{url!r} is not an http(s) URL of a named host")
    return origin


def parse_extra(raw: str) -> dict[str, list[str]]:
    """``"img-src https://tiles.example; connect-src https://vms.example"`` → sources per directive."""
    extra: dict[str, list[str]] = {}
    for chunk in raw.split(";"):
        words = chunk.split()
        if not words:
            continue
        directive, sources = words[0].lower(), words[1:]
        if directive not in EXTENDABLE:
            raise ImproperlyConfigured(
                f"CSP_EXTRA: {directive!r} cannot be extended; use one of {', '.join(sorted(EXTENDABLE))}"
            )
        for source in sources:
            scheme_ok = source.lower() in _SCHEME_SOURCES and directive not in _CODE_DIRECTIVES
            if not (scheme_ok or _HOST_SOURCE.match(source)):
                raise ImproperlyConfigured(f"CSP_EXTRA: {source!r} is not an allowed source for {directive}")
        extra.setdefault(directive, []).extend(sources)
    return extra


def build_policy(
    *, tile_url: str = "", media_origins: Iterable[str] = (), extra: str = "",
) -> dict[str, tuple[str, ...]]:
    """The policy as directives → sources. ``tile_url``: the map tile server (MAP_TILE_URL);
    ``media_origins``: camera video/snapshot servers, whose streams hls.js fetches (connect-src)
    and plays (media-src) and whose snapshots are images."""
    policy = {name: list(sources) for name, sources in BASE_POLICY.items()}
    tiles = origin_of(tile_url)
    if tiles:
        policy["img-src"].append(tiles)
    for raw in media_origins:
        origin = origin_of(raw)
        for directive in ("img-src", "media-src", "connect-src"):
            policy[directive].append(origin)
    for directive, sources in parse_extra(extra).items():
        policy.setdefault(directive, list(BASE_POLICY["default-src"])).extend(sources)
    # Keep the order, drop repeats.
    return {name: tuple(dict.fromkeys(sources)) for name, sources in policy.items()}


def header_value(policy: Mapping[str, Iterable[str]], *, websocket_origin: str | None = None) -> str:
    parts = []
    for directive, sources in policy.items():
        sources = list(sources)
        if directive == "connect-src" and websocket_origin:
            # CSP3 lets 'self' cover ws:/wss: of the same host, but older Safari does not: say it.
            sources.append(websocket_origin)
        parts.append(" ".join([directive, *sources]))
    return "; ".join(parts)


REPORT_ONLY_WARNING = (
    "CSP_REPORT_ONLY is true: the content security policy is only reported, NOT enforced. An "
    "injected script would run in the console, the admin and the guardians' pages. Use it only to "
    "try a policy change, and set CSP_REPORT_ONLY=false again."
)


def report_only_warning(report_only: bool) -> str | None:
    """What a web worker says at start (hwaseong_safety/warmup.py) when the policy is not enforced."""
    return REPORT_ONLY_WARNING if report_only else None

