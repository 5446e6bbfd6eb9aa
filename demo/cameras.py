"""Fake camera media for demos, never served in production (404), where media comes from the
cameras themselves:

- a snapshot: an SVG with the camera's number, address and the current Seoul time, so a console
  refreshing it every second visibly "streams";
- live HLS test streams written by ``scripts/demo_streams.sh`` (ffmpeg) into ``var/streams/<n>/``
  and served here, so the console's video wall plays real moving video through hls.js.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cameras.models import Camera

SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" viewBox="0 0 640 360">
<defs><pattern id="grid" width="40" height="40" patternUnits="userSpaceOnUse">
<path d="M40 0H0V40" fill="none" stroke="#1f2a36" stroke-width="1"/></pattern></defs>
<rect width="640" height="360" fill="#0d141c"/><rect width="640" height="360" fill="url(#grid)"/>
<g font-family="sans-serif" fill="#e6edf3">
<text x="20" y="78" font-size="22" font-weight="bold">{label}</text>
<text x="20" y="108" font-size="16">{address}</text>
<text x="20" y="132" font-size="14" fill="#8b98a5">{center}</text>
<text x="320" y="200" font-size="24" font-weight="bold" text-anchor="middle" fill="#f85149">{demo}</text>
<text x="620" y="290" font-size="20" text-anchor="end" font-family="monospace">{clock}</text>
</g></svg>
"""
# The console's tile puts its own badge (live / snapshot and its age) top left and the caption at
# the bottom: the picture's text keeps clear of both, and "not a live image" sits in the middle.


def demo_enabled() -> bool:
    return settings.DEBUG or not settings.PRODUCTION


@require_safe
def camera_snapshot(request: HttpRequest, pk: int) -> HttpResponse:
    if not demo_enabled():
        raise Http404
    camera = get_object_or_404(Camera.objects.select_related("center"), pk=pk)
    response = HttpResponse(render_snapshot(camera, timezone.now()), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    # The SVG is opened directly in a tab sometimes: no scripts, no external loads.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def render_snapshot(camera: Camera, now: datetime) -> str:
    label = camera.management_number or f"#{camera.pk}"
    return SVG.format(
        label=escape(f"{_('Camera')} {label}"),
        address=escape(camera.address or _("(no address)")),
        center=escape(camera.center.name if camera.center else _("outside the linked centers")),
        clock=escape(timezone.localtime(now).strftime("%Y-%m-%d %H:%M:%S KST")),
        demo=escape(_("DEMO — not a live image")),
    )


# How many streams scripts/demo_streams.sh runs by default (STREAMS=4); seed_demo cycles them.
DEMO_STREAM_COUNT = 4
STREAM_TYPES = {".m3u8": "application/vnd.apple.mpegurl", ".ts": "video/mp2t"}
# Plain names only (index.m3u8, index12.ts): no path separators, no dot-dot.
STREAM_FILE = re.compile(r"^[A-Za-z0-9_-]{1,64}\.(m3u8|ts)$")


def streams_dir() -> Path:
    return Path(settings.DEMO_STREAMS_DIR)


@require_safe
def stream_file(request: HttpRequest, stream: str, filename: str) -> FileResponse:
    if not demo_enabled() or not STREAM_FILE.match(filename):
        raise Http404
    path = streams_dir() / stream / filename
    try:
        handle = path.open("rb")
    except OSError:  # not written yet, or just deleted by ffmpeg's delete_segments
        raise Http404 from None
    response = FileResponse(handle, content_type=STREAM_TYPES[path.suffix])
    # The playlist changes every segment; segments never change once listed.
    response["Cache-Control"] = "no-cache" if path.suffix == ".m3u8" else "max-age=60"
    # hls.js fetches with XHR: a console opened as localhost while SITE_URL says 127.0.0.1 is
    # cross-origin. Demo test pictures only, so any origin may read them.
    response["Access-Control-Allow-Origin"] = "*"
    return response
