"""Small Korean pages for guardians, opened from SMS links on a phone. No login: the token in the
URL is the credential, so every miss is a plain 404 that tells nothing."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from guardians.actions import do_decline_guardian
from guardians.models import Guardian, decline_digest
from guardians.tracking import Position, TrackingTarget, open_view, record_poll, resolve_tracking_token
from places.address import describe
from places.address import text as address_text


def given_name(full_name: str) -> str:
    """What a guardian sees of the citizen: '홍길동' → '길동', 'Jane Doe' → 'Jane'. Two-syllable Korean
    names are kept whole (the given name would be a single syllable)."""
    name = full_name.strip()
    hangul = name.replace(" ", "")
    if hangul and all("가" <= ch <= "힣" for ch in hangul):  # Korean: family name first ('김 영희' too)
        return hangul[1:] if len(hangul) >= 3 else hangul
    return name.split()[0] if name else name


@never_cache
@require_http_methods(["GET", "POST"])
def decline(request: HttpRequest, token: str) -> HttpResponse:
    # GET only shows a button: link previews in messaging apps must not decline on their own.
    guardians = Guardian.objects.select_related("citizen")
    guardian = get_object_or_404(guardians, decline_token=decline_digest(token))  # only digests are stored
    if request.method == "POST":
        do_decline_guardian(guardian)
        return redirect(request.path)
    context = {"guardian": guardian, "citizen_name": guardian.citizen.name}  # already in the SMS
    response = render(request, "guardians/decline.html", context)
    response["Referrer-Policy"] = "no-referrer"
    return response


def poll_seconds() -> int:
    """How often the page asks for the position (a setting, so the browser test can use 1 s)."""
    return settings.GUARDIAN_TRACKING_POLL_SECONDS


def tracking_payload(target: TrackingTarget, now: datetime) -> dict[str, object]:
    """What the page shows, and nothing more: no names, no phone numbers, no duress flag (a duress
    alert is simply an open SOS to a guardian, which is what it is)."""
    position = target.last_position()
    destination = target.destination()
    return {
        "address": "" if position is None else position_address(target, position),
        "kind": target.kind,
        "status": target.trip.status if target.trip is not None else target.alert.status,
        "status_text": target.status_ko,
        "ended": target.ended_at is not None,
        "position": None if position is None else {
            "latitude": round(position.point.y, 6),
            "longitude": round(position.point.x, 6),
            "accuracy": None if position.accuracy is None else round(position.accuracy),
            "recorded_at": position.recorded_at.isoformat(),
            # From the server's clock: a phone's clock may be off by minutes.
            "age_seconds": max(0, int((now - position.recorded_at).total_seconds())),
        },
        "trail": [[round(p.y, 6), round(p.x, 6)] for p in target.trail()],
        "destination": None if destination is None else {
            "latitude": round(destination[0].y, 6),
            "longitude": round(destination[0].x, 6),
            "name": destination[1],
        },
    }


def position_address(target: TrackingTarget, position: Position) -> str:
    """An alert's address was computed when its position was set; a trip's is looked up for the
    position shown (one indexed statement per poll)."""
    if target.alert is not None and target.alert.location is not None \
            and target.alert.location.equals_exact(position.point, 1e-9):
        return target.alert.address
    found = describe(position.point)
    return address_text(found.area, found.road, found.road_m)


def map_links(position: Position | None) -> list[dict[str, str]]:
    """Links out to the Korean map apps at the position, those GUARDIAN_MAP_LINKS allows (off by
    default: the link hands the position to that company)."""
    if position is None:
        return []
    lat, lon = round(position.point.y, 6), round(position.point.x, 6)
    urls = {
        "kakao": ("카카오맵", f"https://map.kakao.com/link/map/{quote('현재 위치')},{lat},{lon}"),
        "naver": ("네이버 지도", f"nmap://place?lat={lat}&lng={lon}&name={quote('현재 위치')}"
                              f"&appname={quote(settings.SITE_URL, safe='')}"),
    }
    return [{"name": urls[key][0], "url": urls[key][1]} for key in settings.GUARDIAN_MAP_LINKS if key in urls]


def _live_target(token: str) -> TrackingTarget:
    target = resolve_tracking_token(token)
    if target is None:
        raise Http404
    return target


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"  # the token must not leak to other sites
    return response


@never_cache
@require_http_methods(["GET"])
def tracking(request: HttpRequest, token: str) -> HttpResponse:
    target = _live_target(token)
    view = open_view(target)  # one disclosure per viewing session; the polls are counted on it
    now = timezone.now()
    payload = tracking_payload(target, now)
    context = {
        "target": target,
        "citizen_name": given_name(target.citizen.name),
        "position": target.last_position(),
        "age_minutes": None if payload["position"] is None else payload["position"]["age_seconds"] // 60,
        "poll_seconds": poll_seconds(),
        "map_links": map_links(target.last_position()),
        "center": target.center(),  # "관제센터 화성시 031-…", tap to call
        "config": {
            "positionUrl": reverse("guardian-tracking-position", args=[token]) + f"?v={view.pk}",
            "pollSeconds": poll_seconds(),
            "tileUrl": settings.MAP_TILE_URL,
            "initial": payload,
        },
        "now": now,
    }
    return _private(render(request, "guardians/tracking.html", context))


@require_http_methods(["GET"])
def tracking_position(request: HttpRequest, token: str) -> JsonResponse:
    """The page's poll: the same 404s as the page, counted on its opening, never cached."""
    target = _live_target(token)
    view_id = request.GET.get("v", "")
    record_poll(target, int(view_id) if view_id.isdigit() and len(view_id) < 19 else None)
    response = JsonResponse(tracking_payload(target, timezone.now()))
    response["Cache-Control"] = "no-store"
    return _private(response)
