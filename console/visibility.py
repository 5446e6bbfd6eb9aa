"""Who may see which alert: one rule for the console's HTTP API and its websocket alike.

Center-bound staff see their center's alerts (an alert transferred to them is then theirs) and
alerts in their border band; supervisors (and the break-glass superuser) watch every center. Which
roles watch alerts at all is operators/roles.py: camera and system admins don't.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Prefetch, Q, QuerySet

from alerts.models import Alert, AlertEvent
from operators.models import Center, User
from operators.roles import Capability, has_capability


def is_console_user(user: object) -> bool:
    """A logged-in, active member of center staff whose role watches alerts (app principals and
    anonymous never are)."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_center_staff", False)
                and has_capability(user, Capability.WATCH_ALERTS))


def sees_all_centers(user: User) -> bool:
    return is_console_user(user) and has_capability(user, Capability.WATCH_ALL_CENTERS)


def may_open_console(user: object) -> bool:
    """Staff with something to watch: a center-bound role without a center would see nothing."""
    return is_console_user(user) and (sees_all_centers(user) or user.center_id is not None)


def visible_alerts(user: User) -> QuerySet[Alert]:
    """Every alert (any status) the user may see."""
    alerts = Alert.objects.all()
    if sees_all_centers(user):
        return alerts
    if not is_console_user(user) or user.center_id is None:
        return alerts.none()
    # A subquery, not a join: a join on border_centers would repeat alerts.
    border = Alert.border_centers.through.objects.filter(center_id=user.center_id).values("alert_id")
    return alerts.filter(Q(center_id=user.center_id) | Q(pk__in=border))


def visible_alert(user: User, pk: int) -> Alert | None:
    """The alert as stored now (with what the console shows of it), if the user may see it."""
    return console_alerts_queryset(visible_alerts(user)).filter(pk=pk).first()


def may_see_codes(sees_all: bool, user_center: str | None, alert_center: str | None,
                  border_centers: Collection[str]) -> bool:
    """``visible_alerts`` for one alert, from center codes and without a query: what the websocket
    decides for each console (console.realtime.push). tests/console/test_push_path.py holds the two
    forms to each other for every role."""
    if sees_all:
        return True
    return user_center is not None and (user_center == alert_center or user_center in border_centers)


ALERT_RELATED = ("center", "citizen", "claimed_by", "trip")


def console_alerts_queryset(queryset: QuerySet[Alert]) -> QuerySet[Alert]:
    """Everything ConsoleAlertSerializer reads, in a fixed number of queries. Centers come without
    their boundaries (thousands of vertices each, and half the cost of a push in the benchmarks)."""
    return (
        queryset.select_related(*ALERT_RELATED)
        .defer("center__boundary")
        .prefetch_related(Prefetch("border_centers", queryset=Center.objects.defer("boundary")))
    )


def can_see(user: User, alert: Alert | int) -> bool:
    """Asked of the database, not of a possibly stale object: transfers move alerts away."""
    pk = alert if isinstance(alert, int) else alert.pk
    return visible_alerts(user).filter(pk=pk).exists()


def watched_center_codes(user: User) -> list[str] | None:
    """The centers whose groups the user's console joins; None means every center."""
    if sees_all_centers(user):
        return None
    return [user.center.code] if is_console_user(user) and user.center_id else []


def open_queue(user: User) -> QuerySet[Alert]:
    """The user's open alerts as the console lists them: duress, then SOS, then overdue trips;
    oldest first within each (the one waiting longest is the next to take)."""
    return visible_alerts(user).open().in_operator_order()


TRANSFER_KINDS = ("transfer", "transferred")  # by an operator / by routing as the citizen moved


def transferred_away(user: User) -> QuerySet[Alert]:
    """Alerts the user's center handed to another center (and can no longer see): the console's
    history lists them, read-only, with what happened up to now. Supervisors see every alert."""
    if sees_all_centers(user) or not is_console_user(user) or user.center_id is None:
        return Alert.objects.none()
    left = AlertEvent.objects.filter(kind__in=TRANSFER_KINDS, data__from=user.center.code).values("alert_id")
    return Alert.objects.filter(pk__in=left).exclude(pk__in=visible_alerts(user).values("pk"))


def history_alerts(user: User) -> QuerySet[Alert]:
    """The console's past alerts (issue 15, point 5): those the user may see that are finished
    (closed, cancelled), and those their center transferred away, whatever their state now."""
    finished = visible_alerts(user).finished().values("pk")
    return Alert.objects.filter(Q(pk__in=finished) | Q(pk__in=transferred_away(user).values("pk")))
