"""A fake camera snapshot for demos: an SVG with the camera's number, address and the current
Seoul time, so a console refreshing it every second visibly "streams".

Never served in production (404), where snapshots come from the cameras themselves.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cameras.models import Camera

SEOUL = ZoneInfo("Asia/Seoul")

SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" viewBox="0 0 640 360">
<defs><pattern id="grid" width="40" height="40" patternUnits="userSpaceOnUse">
<path d="M40 0H0V40" fill="none" stroke="#1f2a36" stroke-width="1"/></pattern></defs>
<rect width="640" height="360" fill="#0d141c"/><rect width="640" height="360" fill="url(#grid)"/>
<g font-family="sans-serif" fill="#e6edf3">
<text x="20" y="40" font-size="22" font-weight="bold">{label}</text>
<text x="20" y="72" font-size="16">{address}</text>
<text x="20" y="98" font-size="14" fill="#8b98a5">{center}</text>
<text x="620" y="340" font-size="20" text-anchor="end" font-family="monospace">{clock}</text>
<text x="20" y="340" font-size="14" fill="#f85149">● {demo}</text>
</g></svg>
"""


def demo_enabled() -> bool:
    return settings.DEBUG or not settings.PRODUCTION


@require_safe
def camera_snapshot(request: HttpRequest, pk: int) -> HttpResponse:
    if not demo_enabled():
        raise Http404
    camera = get_object_or_404(Camera.objects.select_related("center"), pk=pk)
    response = HttpResponse(render_snapshot(camera, datetime.now(SEOUL)), content_type="image/svg+xml")
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
        clock=escape(now.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M:%S KST")),
        demo=escape(_("DEMO — not a live image")),
    )
