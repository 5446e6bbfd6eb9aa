"""The operator console page, its login, and the center boundaries it draws without tiles.

Operators are not ``is_staff`` (the admin is for data maintenance), so the console has its own
login page; the live data comes from the websocket and the console API, not from this page.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from alerts import timeline
from alerts.models import AlertStatus, AlertTrigger, EscalationStatus
from cameras.choices import Status as CameraStatus
from cameras.describe import console_labels as camera_labels
from console.visibility import may_open_console, sees_all_centers
from operators.lockout import LOCKED_CODE
from operators.models import Center, Role, User
from operators.roles import capabilities

WALL_DEFAULT_TILES = 4
# ~50 m of simplification, as the admin maps: boundaries only orient the operator.
BOUNDARY_TOLERANCE_DEGREES = 0.0005


class ConsoleLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        # settings.LOGIN_REDIRECT_URL is Django's /accounts/profile/; staff land on the console.
        return reverse("console")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        # A lockout (operators/lockout.py) says so; any other failure stays the generic message.
        context["login_locked"] = form.is_bound and form.has_error(NON_FIELD_ERRORS, LOCKED_CODE)
        return context


class ConsoleLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("login")


def staff_required(request: HttpRequest) -> None:
    """403 for a logged-in user who is not control-center staff (no role, deactivated) or has
    nothing to watch (an operator without a center): the same rule as the console's websocket."""
    if not may_open_console(request.user):
        raise PermissionDenied


@require_safe
@login_required(login_url=reverse_lazy("login"))
def console(request: HttpRequest) -> HttpResponse:
    staff_required(request)
    config = console_config(request)
    # Actions the role may not take are not offered (the API refuses them anyway: operators/roles.py).
    return render(request, "console/console.html", {"config": config, "watchable": config["centers"],
                                                    "may": config["capabilities"]})


@require_safe
@login_required(login_url=reverse_lazy("login"))
@cache_control(private=True, max_age=3600)
def center_boundaries(request: HttpRequest) -> JsonResponse:
    """Every linked center's boundary, simplified, as GeoJSON (the map's base without tiles)."""
    staff_required(request)
    features: list[dict[str, Any]] = []
    for center in Center.objects.order_by("code"):
        geometry = center.boundary.simplify(BOUNDARY_TOLERANCE_DEGREES, preserve_topology=True)
        features.append({
            "type": "Feature",
            "id": center.code,
            "geometry": json.loads(geometry.geojson),
            "properties": {"code": center.code, "name": center.name, "linked": center.is_linked},
        })
    return JsonResponse({"type": "FeatureCollection", "features": features})


def console_config(request: HttpRequest) -> dict[str, Any]:
    """Everything the console script needs, as one JSON object (json_script in the template)."""
    user: User = request.user
    linked = Center.objects.filter(is_linked=True).only("code", "name").order_by("code")
    centers = [{"code": c.code, "name": c.name} for c in linked]
    return {
        "user": {"id": user.pk, "name": user.get_full_name() or user.username, "role": user.role,
                 "center": user.center.code if user.center else None},
        "seesAll": sees_all_centers(user),
        "capabilities": sorted(capabilities(user)),
        "centers": centers,
        "urls": {
            "socket": "/ws/console/",
            "api": "/api/v1/console/",
            "cameras": reverse("camera-geojson"),
            "boundaries": reverse("console-centers"),
            "areas": reverse("places-areas"),
            "facilities": reverse("places-facilities"),
            "login": reverse("login"),
        },
        "tileUrl": settings.MAP_TILE_URL,
        "resyncSeconds": settings.CONSOLE_RESYNC_SECONDS,
        "nearest": {"limit": settings.NEAREST_CAMERAS_DEFAULT,
                    "radius": settings.NEAREST_CAMERAS_RADIUS_METERS},
        "wallTiles": WALL_DEFAULT_TILES,
        "labels": console_labels(),
    }


def console_labels() -> dict[str, Any]:
    """Texts the scripts show, translated here because the JS has no catalog of its own. Where a
    model's choices already name a value (statuses, triggers), their labels are the texts."""
    return {
        "kind": {"sos": _("SOS"), "overdue_trip": _("Overdue trip"), "duress": _("Duress report")},
        "trigger": choice_labels(AlertTrigger),
        "status": choice_labels(AlertStatus),
        "disposition": {
            "false_alarm": _("False alarm"), "safe": _("Confirmed safe"), "crime": _("Crime"),
            "fire_disaster": _("Fire / disaster"), "medical": _("Medical"), "other": _("Other"),
        },
        "agency": {"police": _("Police (112)"), "fire": _("Fire service (119)")},
        "event": timeline.event_labels(),  # the one registry (alerts.timeline)
        "alarmKinds": timeline.alarming_kinds(),
        "camera": camera_labels(),
        "dispatch": dispatch_labels(),
        "cameraStatus": {s.value: str(s.label) for s in CameraStatus},
        "role": {r.value: str(r.label) for r in Role},
        "tripState": {"active": _("walking"), "arrived": _("arrived"), "overdue": _("overdue"),
                      "ended": _("ended")},
        "guardians": _("Guardians"),
        "trip": _("Safe-return trip"),
        "destination": _("Destination"),
        "expected": _("Expected arrival"),
        "tripStatus": _("Trip status"),
        "earlier": _("Earlier alerts"),
        "noLocation": _("No location"),
        "stale": _("stale"),
        "unassigned": _("Unassigned"),
        "noVideo": _("No video"),
        "system": _("System"),
        "newAlerts": _("New alerts waiting: %(n)s"),
        "noAlerts": _("No open alerts"),
        "offline": _("Connection lost — reconnecting…"),
        "forbidden": _("This account may not use the console."),
        "failed": _("The action failed: %(detail)s"),
        "claimedBy": _("Already claimed by %(name)s"),
        "noCameras": _("No cameras within %(m)s m"),
        "outOfArea": _("out of area"),
        "noneOnDuty": _("nobody"),
        "allCenters": _("All centers"),
        "confirmClose": _("Close this alert?"),
        "meters": _("%(m)s m"),
        "layers": {"areas": _("Neighbourhoods (읍면동)"), "police": _("Police stations"),
                   "fire": _("119 safety centers"), "child_zone": _("Child protection zones")},
        "queueNotices": queue_labels(),
    }


def choice_labels(choices: type[models.TextChoices]) -> dict[str, str]:
    """{value: label} of a model's choices, in the request's language."""
    return {choice.value: str(choice.label) for choice in choices}


def queue_labels() -> dict[str, Any]:
    """The queue's notices, the new-alert tray and the per-alert silence (issue 15, points 3, 4, 8)."""
    return {
        "closedBy": _("%(alert)s was closed by %(by)s (%(disposition)s)"),
        "closedByMe": _("%(alert)s closed: %(disposition)s"),
        "cancelled": _("%(alert)s was cancelled by the citizen"),
        "moved": _("%(alert)s was transferred to %(to)s by %(by)s"),
        "leftUnknown": _("%(alert)s is no longer in your queue"),
        "draftHeld": _("Alert #%(id)s was closed while you were typing: your text is still in its form "
                       "and can only be sent to #%(id)s."),
        "kept": _("Text you typed for alert #%(id)s was not sent; it is kept here to copy:"),
        "field": {"notes": _("Note"), "escalate": _("Escalation reason"), "close": _("Closing note"),
                  "transfer": _("Transfer")},
        "copy": _("Copy"),
        "copied": _("Copied"),
        "dismiss": _("Dismiss"),
        "notVisible": _("this alert is no longer visible to you (transferred or removed); your text is kept"),
        "confirmClose": _("Close alert #%(id)s as “%(disposition)s”?"),
        "repeat": _("Repeat %(n)s of %(total)s from the same citizen (first: #%(first)s)"),
        "groupFirst": _("Same citizen: %(total)s SOS within minutes"),
        "silence": _("Silence"),
        "silenced": _("Silenced"),
        "silenceHelp": _("Stop the sound of this alert for 2 minutes without claiming it; it reminds you "
                         "if still waiting."),
        "quietCount": _("%(n)s silenced"),
    }


def dispatch_labels() -> dict[str, Any]:
    """The escalation alarm's texts (static/console/dispatch.js; alerts/dispatch/alarm.py)."""
    return {
        "number": {"police": "112", "fire": "119"},
        "problem": {
            "not_linked": _("%(number)s not linked — phone %(number)s now"),
            "failed": _("Request to %(number)s failed — phone %(number)s now"),
            "overdue": _("No answer from %(number)s's system — phone %(number)s now"),
        },
        "delivery": {"pending": _("sending…"), "delivered": _("delivered"), "failed": _("failed"),
                     "not_linked": _("not linked")},
        "agencyStatus": choice_labels(EscalationStatus),
        "phonedButton": _("Reported to %(number)s by phone"),
        "phoned": _("reported by phone %(time)s"),
        "reference": _("Their case number (optional)"),
        "readOut": _("Read out on the phone"),
        "requests": _("Police and fire"),
        "chooseAgency": _("Tick the agency to ask."),
        "confirmEscalate": _("Ask %(agencies)s to dispatch? They get the position and the person's details."),
        "repeatNeeded": _("Already asked: give the reason for a new request."),
    }

