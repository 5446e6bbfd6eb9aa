"""The admin page of an alert's retention hold (alerts/holds.py): why it is held, release it with a
reason, or undo a release that has not taken effect. Supervisors only (operators/roles.py)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alerts.holds import (
    REASON_MAX,
    REASON_MIN,
    HoldError,
    do_release_hold,
    do_restore_hold,
    hold_reasons,
    may_restore,
    release_takes_effect_at,
)
from alerts.models import Alert
from operators.roles import Capability, has_capability

TEMPLATE = "admin/alerts/alert/hold.html"


class ReleaseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the release"), min_length=REASON_MIN, max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example the police case number and who said the case is closed. It is kept in "
                    "the alert's timeline."))


def may_manage_holds(request: HttpRequest) -> bool:
    return has_capability(request.user, Capability.RELEASE_HOLD)


def hold_view(model_admin: ModelAdmin, request: HttpRequest, pk: int) -> HttpResponse:
    if not may_manage_holds(request):
        raise PermissionDenied
    alert = Alert.objects.select_related("hold_released_by").filter(pk=pk).first()
    if alert is None:
        raise Http404
    form = ReleaseForm(request.POST if request.method == "POST" and "release" in request.POST else None)
    error = None
    if request.method == "POST":
        try:
            if "restore" in request.POST:
                do_restore_hold(alert.pk, request.user, request)
                messages.success(request, _("The retention hold is back: the trail is kept."))
                return HttpResponseRedirect(request.path)
            if form.is_valid():
                do_release_hold(alert.pk, request.user, form.cleaned_data["reason"], request)
                messages.success(request, _("Hold released. It takes effect in %(days)d days.")
                                 % {"days": settings.LOCATION_HOLD_RELEASE_GRACE_DAYS})
                return HttpResponseRedirect(request.path)
        except HoldError as exc:
            error = exc.message
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Retention hold of alert %(id)s") % {"id": alert.pk},
        "opts": Alert._meta,
        "alert": alert,
        "reasons": hold_reasons(alert),
        "effective_at": release_takes_effect_at(alert),
        "may_restore": may_restore(alert),
        "grace_days": settings.LOCATION_HOLD_RELEASE_GRACE_DAYS,
        "form": form,
        "error": error,
        "change_url": reverse("admin:alerts_alert_change", args=[alert.pk]),
    }
    failed = request.method == "POST" and (error is not None or form.errors)
    return render(request, TEMPLATE, context, status=400 if failed else 200)
