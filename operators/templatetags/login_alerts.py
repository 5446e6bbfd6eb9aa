"""The supervisors' notice of login alerts on the admin's front page (operators/lockout.py)."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils import timezone

from operators.models import AccessAction, AccessRecord, User
from operators.roles import Capability, has_capability

register = template.Library()
SHOWN_HOURS = 24


@register.inclusion_tag("admin/operators/login_alerts.html", takes_context=True)
def login_alerts(context: template.Context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not has_capability(user, Capability.VIEW_ACCESS_LOG):
        return {"alerts": []}
    since = timezone.now() - timedelta(hours=SHOWN_HOURS)
    records = list(AccessRecord.objects.filter(action=AccessAction.LOGIN_ALERT, at__gte=since)[:20])
    names = dict(User.objects.filter(pk__in=[r.detail.get("account") for r in records])
                 .values_list("pk", "username"))
    return {"alerts": [{"at": r.at, "username": names.get(r.detail.get("account"), "?"),
                        "failures": r.detail.get("failures"), "ip": r.ip} for r in records],
            "hours": SHOWN_HOURS}
