"""The console's history of past alerts (issue 15, point 5): closed, cancelled and transferred away,
searchable by date range, outcome, citizen name or phone suffix; each opens read-only with its
timeline. Which alerts: ``console.visibility.history_alerts`` (the console's visibility rule).

Every list and every alert opened goes to the access log: a list as one ``alert_history`` record
naming the alerts it showed (never the search text: it may be a name or a phone number), an alert
as ``alert_view`` like the live console's detail.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from alerts import timeline, timeline_display
from alerts.models import Alert, AlertStatus
from console.api.serializers import DISPOSITIONS
from console.views import console_labels, staff_required
from console.visibility import history_alerts, transferred_away
from operators.audit import record_access
from operators.models import AccessAction

PAGE_SIZE = 50
DEFAULT_DAYS = 7
MAX_DAYS = 366
PHONE_SUFFIX = re.compile(r"^[0-9][0-9 -]{2,}$")  # "5678", "010-1234-5678": digits, with separators


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # what <input type=date> takes


class HistoryForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=date_input())
    date_to = forms.DateField(label=_("To"), required=False, widget=date_input())
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)
    q = forms.CharField(label=_("Citizen name or last digits of the phone"), required=False, max_length=50,
                        strip=True)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        labels = console_labels()["disposition"]
        self.fields["outcome"].choices = [
            ("", _("Any outcome")), ("closed", _("Closed (any disposition)")),
            *[(f"closed:{d}", f"{_('Closed')}: {labels[d]}") for d in DISPOSITIONS],
            ("cancelled", _("Cancelled by the citizen")), ("transferred", _("Transferred to another center")),
        ]

    def clean(self) -> dict:
        data = super().clean()
        today = timezone.localdate()
        data["date_to"] = data.get("date_to") or today
        data["date_from"] = data.get("date_from") or data["date_to"] - dt.timedelta(days=DEFAULT_DAYS - 1)
        if data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        if (data["date_to"] - data["date_from"]).days >= MAX_DAYS:
            raise forms.ValidationError(_("Search at most one year at a time."))
        query = data.get("q") or ""
        if query and len(query) < 2:
            self.add_error("q", _("Type at least 2 characters."))
        return data


def _search(user: object, data: dict) -> QuerySet[Alert]:
    seoul = timezone.get_current_timezone()
    start = dt.datetime.combine(data["date_from"], dt.time.min, tzinfo=seoul)
    end = dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=seoul)
    alerts = history_alerts(user).filter(created_at__gte=start, created_at__lt=end)
    outcome = data.get("outcome") or ""
    if outcome == "closed":
        alerts = alerts.filter(status=AlertStatus.CLOSED)
    elif outcome.startswith("closed:"):
        alerts = alerts.filter(status=AlertStatus.CLOSED, disposition=outcome.removeprefix("closed:"))
    elif outcome == "cancelled":
        alerts = alerts.filter(status=AlertStatus.CANCELLED)
    elif outcome == "transferred":
        alerts = alerts.filter(pk__in=transferred_away(user).values("pk"))
    query = data.get("q") or ""
    if PHONE_SUFFIX.match(query):
        alerts = alerts.filter(citizen__phone__endswith=re.sub(r"\D", "", query))
    elif query:
        alerts = alerts.filter(Q(citizen__name__icontains=query))
    return alerts.select_related("citizen", "center", "claimed_by").order_by("-created_at", "-id")


@require_safe
@login_required(login_url=reverse_lazy("login"))
def history(request: HttpRequest) -> HttpResponse:
    staff_required(request)
    form = HistoryForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "console/history.html", {"form": form, "page": None}, status=400)
    data = form.cleaned_data if request.GET else _defaults()
    paginator = Paginator(_search(request.user, data), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    shown = [a.pk for a in page]
    away = set(transferred_away(request.user).filter(pk__in=shown).values_list("pk", flat=True))
    names = console_labels()["disposition"]
    rows = [{"alert": a, "away": a.pk in away, "disposition": names.get(a.disposition, a.disposition)}
            for a in page]
    record_access(request, AccessAction.ALERT_HISTORY, subject_citizen_id=None, target="console:history",
                  detail={"alerts": shown, "from": data["date_from"].isoformat(),
                          "to": data["date_to"].isoformat(), "outcome": data.get("outcome") or "",
                          "searched": bool(data.get("q")), "page": page.number})
    return render(request, "console/history.html", {
        "form": form if request.GET else HistoryForm(initial={"date_from": data["date_from"],
                                                              "date_to": data["date_to"]}),
        "page": page, "rows": rows, "query": request.GET.copy(),
    })


def _defaults() -> dict:
    form = HistoryForm({})
    form.is_valid()
    return form.cleaned_data


@require_safe
@login_required(login_url=reverse_lazy("login"))
def history_alert(request: HttpRequest, pk: int) -> HttpResponse:
    staff_required(request)
    alerts = history_alerts(request.user).select_related("citizen", "center", "claimed_by")
    alert = alerts.filter(pk=pk).first()
    if alert is None:
        raise Http404  # as the console: ids of other centers' alerts don't leak
    record_access(request, AccessAction.ALERT_VIEW, subject_citizen_id=alert.citizen_id,
                  target=f"alert:{alert.pk}", detail={"via": "history"})
    names = console_labels()["disposition"]
    events = [{"event": e, "label": timeline.label(e.kind),
               "data": timeline_display.describe(_named(e.data, names))}
              for e in alert.events.select_related("actor").order_by("created_at", "id")]
    return render(request, "console/history_alert.html", {
        "alert": alert, "events": events, "away": transferred_away(request.user).filter(pk=pk).exists(),
        "disposition": names.get(alert.disposition, alert.disposition),
    })


def _named(data: dict, dispositions: dict) -> dict:
    """A close's disposition by its name, not its key."""
    if isinstance(data, dict) and data.get("disposition") in dispositions:
        return {**data, "disposition": dispositions[data["disposition"]]}
    return data
