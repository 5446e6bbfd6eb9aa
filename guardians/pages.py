"""Small Korean pages for guardians, opened from SMS links on a phone. No login: the token in the
URL is the credential, so every miss is a plain 404 that tells nothing."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from guardians.models import Guardian
from guardians.tracking import resolve_tracking_token

REFRESH_SECONDS = 15


def given_name(full_name: str) -> str:
    """What a guardian sees of the citizen: '홍길동' → '길동', 'Jane Doe' → 'Jane'. Two-syllable Korean
    names are kept whole (the given name would be a single syllable)."""
    name = full_name.strip()
    hangul = name.replace(" ", "")
    if hangul and all("가" <= ch <= "힣" for ch in hangul):  # Korean: family name first ('김 영희' too)
        return hangul[1:] if len(hangul) >= 3 else hangul
    return name.split()[0] if name else name


def decline_guardian(guardian: Guardian) -> None:
    """Idempotent: the first decline's time stays."""
    Guardian.objects.filter(Q(pk=guardian.pk) & Q(declined_at__isnull=True)).update(
        declined_at=timezone.now()
    )


@never_cache
@require_http_methods(["GET", "POST"])
def decline(request: HttpRequest, token: str) -> HttpResponse:
    # GET only shows a button: link previews in messaging apps must not decline on their own.
    guardian = get_object_or_404(Guardian.objects.select_related("citizen"), decline_token=token)
    if request.method == "POST":
        decline_guardian(guardian)
        return redirect(request.path)
    context = {"guardian": guardian, "citizen_name": guardian.citizen.name}  # already in the SMS
    response = render(request, "guardians/decline.html", context)
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_http_methods(["GET"])
def tracking(request: HttpRequest, token: str) -> HttpResponse:
    target = resolve_tracking_token(token)
    if target is None:
        raise Http404
    context = {
        "target": target,
        "citizen_name": given_name(target.citizen.name),
        "position": target.last_position(),
        "refresh_seconds": REFRESH_SECONDS,
        "now": timezone.now(),
    }
    response = render(request, "guardians/tracking.html", context)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"  # the token must not leak to other sites
    return response
