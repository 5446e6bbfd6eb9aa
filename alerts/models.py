"""Safe-return trips (안심귀가) and SOS alerts, with their location trails and timelines."""

from __future__ import annotations

import uuid

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LocationSource(models.TextChoices):
    GNSS = "gnss", "GNSS"
    WIFI = "wifi", "Wi-Fi"
    CELL = "cell", _("cell")
    FUSED = "fused", _("fused")
    UNKNOWN = "unknown", _("unknown")


class LocationFix(models.Model):
    """One position report, as the AML / PIDF-LO standards describe it: where, how sure, how, when."""

    # No spatial index on the trails and last locations: no query searches them by place, and the
    # GiST index was a quarter of PostgreSQL's CPU in the ingest statement (bench/notes.md).
    location = models.PointField(_("location"), geography=True, srid=4326, spatial_index=False)
    accuracy = models.FloatField(_("accuracy (m)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=LocationSource.choices,
                              default=LocationSource.UNKNOWN)
    recorded_at = models.DateTimeField(_("recorded"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["recorded_at", "id"]


class TripStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    ARRIVED = "arrived", _("arrived")
    OVERDUE = "overdue", _("overdue")
    ENDED = "ended", _("ended")


class Trip(models.Model):
    """A safe-return trip: the citizen walks home with the center and guardians following."""

    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.CASCADE, related_name="trips",
                                verbose_name=_("app user"))
    status = models.CharField(_("status"), max_length=10, choices=TripStatus.choices,
                              default=TripStatus.ACTIVE)
    destination = models.PointField(_("destination"), geography=True, srid=4326)
    destination_name = models.CharField(_("destination name"), max_length=100, blank=True)
    expected_arrival = models.DateTimeField(_("expected arrival"))
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("overdue since"), null=True, blank=True)
    last_location = models.PointField(_("last location"), geography=True, srid=4326, null=True, blank=True,
                                      spatial_index=False)
    last_location_at = models.DateTimeField(_("last location time"), null=True, blank=True)
    # Set by the retention job (alerts/retention.py): the trail is gone, the points are coarse.
    reduced_at = models.DateTimeField(_("location data reduced"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("safe-return trip")
        verbose_name_plural = _("safe-return trips")
        constraints = [
            models.UniqueConstraint(
                fields=["citizen"], condition=Q(status="active"), name="trip_one_active_per_citizen"
            ),
        ]


class TripLocation(LocationFix):
    # db_index=False: the trail index below leads with trip, and serves the foreign key too.
    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="locations", db_index=False)

    class Meta(LocationFix.Meta):
        indexes = [models.Index(fields=["trip", "recorded_at"], name="trip_location_trail")]


class AlertKind(models.TextChoices):
    SOS = "sos", _("SOS")
    OVERDUE_TRIP = "overdue_trip", _("overdue trip")


class AlertTrigger(models.TextChoices):
    SHAKE = "shake", _("shake")
    BUTTON = "button", _("button")
    OTHER = "other", _("other")
    TIMER = "timer", _("trip timer")


class AlertStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    CLAIMED = "claimed", _("claimed")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    DISPATCHED = "dispatched", _("dispatched")
    CLOSED = "closed", _("closed")
    CANCELLED = "cancelled", _("cancelled")


# The one definition of an open alert: waiting for operators or being worked. A duress alert is
# never finished by the citizen's "cancel" (it is the one that matters most); only closing ends it.
OPEN_STATUSES = (AlertStatus.RECEIVED, AlertStatus.CLAIMED, AlertStatus.ACKNOWLEDGED, AlertStatus.DISPATCHED)
OPEN_Q = Q(status__in=OPEN_STATUSES) | (Q(is_duress=True) & ~Q(status=AlertStatus.CLOSED))

# The one definition of operators' urgency, 0 first: duress, then SOS, then overdue trips (a timer,
# not a person asking). ``Alert.operator_priority`` reads it for one alert, ``AlertQuerySet`` in SQL.
DURESS_PRIORITY = 0
KIND_PRIORITY = {AlertKind.SOS: 1, AlertKind.OVERDUE_TRIP: 2}
OTHER_PRIORITY = 2


class AlertQuerySet(models.QuerySet):
    def open(self) -> AlertQuerySet:
        return self.filter(OPEN_Q)

    def finished(self) -> AlertQuerySet:
        return self.exclude(OPEN_Q)

    def in_operator_order(self) -> AlertQuerySet:
        """Most urgent first; oldest first within each (the one waiting longest is the next to take)."""
        ranks = [models.When(kind=kind, then=models.Value(rank)) for kind, rank in KIND_PRIORITY.items()]
        priority = models.Case(models.When(is_duress=True, then=models.Value(DURESS_PRIORITY)), *ranks,
                               default=models.Value(OTHER_PRIORITY), output_field=models.IntegerField())
        return self.order_by(priority, "created_at", "id")


class Alert(models.Model):
    """An SOS (or an overdue trip) for a control center. Never refused for its location: without a
    fix it goes to the citizen's last known or home center until a location comes."""

    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="alerts",
                                verbose_name=_("app user"))
    client_id = models.UUIDField(_("client id"), default=uuid.uuid4)
    kind = models.CharField(_("kind"), max_length=15, choices=AlertKind.choices, default=AlertKind.SOS)
    trigger = models.CharField(_("trigger"), max_length=10, choices=AlertTrigger.choices,
                               default=AlertTrigger.OTHER)
    status = models.CharField(_("status"), max_length=15, choices=AlertStatus.choices,
                              default=AlertStatus.RECEIVED)
    is_duress = models.BooleanField(_("duress"), default=False)
    trip = models.ForeignKey(Trip, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts",
                             verbose_name=_("safe-return trip"))

    center = models.ForeignKey("operators.Center", verbose_name=_("center"), on_delete=models.PROTECT,
                               null=True, blank=True, related_name="alerts")
    out_of_area = models.BooleanField(_("out of area"), default=False)
    # Set when an operator hands the alert to a center: from then on the citizen's position no
    # longer moves it (the city it is in still sees it, as a border center).
    center_pinned = models.BooleanField(_("center set by an operator"), default=False)
    # Neighbouring centers whose border band the position is in: they see the alert too.
    border_centers = models.ManyToManyField("operators.Center", blank=True, related_name="border_alerts",
                                            verbose_name=_("border centers"))

    # Not spatially indexed (as LocationFix): alerts are found by center, never by place.
    location = models.PointField(_("location"), geography=True, srid=4326, null=True, blank=True,
                                 spatial_index=False)
    accuracy = models.FloatField(_("accuracy (m)"), null=True, blank=True)
    location_source = models.CharField(_("source"), max_length=10, choices=LocationSource.choices,
                                       blank=True)
    location_recorded_at = models.DateTimeField(_("location time"), null=True, blank=True)
    # A human address of ``location`` (places/address.py), computed once when it is set or moves.
    address_area = models.CharField(_("area (시·구·읍면동)"), max_length=100, blank=True)
    address_road = models.CharField(_("nearest known address"), max_length=255, blank=True)
    address_road_m = models.FloatField(_("distance to that address (m)"), null=True, blank=True)

    claimed_by = models.ForeignKey("operators.User", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="claimed_alerts", verbose_name=_("claimed by"))
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    disposition = models.CharField(_("disposition"), max_length=20, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # Set by the retention job (alerts/retention.py): the trail is gone, the point is coarse.
    reduced_at = models.DateTimeField(_("location data reduced"), null=True, blank=True)
    # A held alert's trail (escalated, or closed as a crime) is kept until a supervisor releases the
    # hold (alerts/holds.py); the release takes effect LOCATION_HOLD_RELEASE_GRACE_DAYS later.
    hold_released_at = models.DateTimeField(_("retention hold released"), null=True, blank=True)
    hold_released_by = models.ForeignKey("operators.User", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("hold released by"))
    hold_release_reason = models.CharField(_("reason for the release"), max_length=500, blank=True)
    # Requests to 112/119 that did not reach the agency (not linked, failed, or no answer in time)
    # and that nobody has reported by phone yet: [{"escalation", "agency", "problem"}]. Kept on the
    # row (alerts/dispatch/alarm.py) so that every queue row and push carries the alarm.
    dispatch_alarm = models.JSONField(_("phone the agency"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            # The app retries on flaky networks: the same client_id must never make a second alert.
            models.UniqueConstraint(fields=["citizen", "client_id"], name="alert_unique_client_id"),
        ]
        indexes = [models.Index(fields=["center", "status"], name="alert_center_status")]

    objects = AlertQuerySet.as_manager()

    def __str__(self) -> str:  # admin titles and breadcrumbs: no name, no place
        return f"#{self.pk} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        """``OPEN_Q`` for this row."""
        return self.status in OPEN_STATUSES or (self.is_duress and self.status != AlertStatus.CLOSED)

    @property
    def operator_priority(self) -> int:
        """``AlertQuerySet.in_operator_order``'s rank for this row."""
        return DURESS_PRIORITY if self.is_duress else KIND_PRIORITY.get(self.kind, OTHER_PRIORITY)

    @property
    def address(self) -> str:
        """ "화성시 남양읍 · 시청로201번길 5-14 부근 40 m"; "" without a position."""
        from places.address import text

        return text(self.address_area, self.address_road, self.address_road_m) if self.location else ""


class AlertLocation(LocationFix):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="locations", db_index=False)

    class Meta(LocationFix.Meta):
        indexes = [models.Index(fields=["alert", "recorded_at"], name="alert_location_trail")]


class AlertEvent(models.Model):
    """The alert's append-only timeline: who did what, when."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=30)
    actor = models.ForeignKey("operators.User", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline")

    def __str__(self) -> str:  # the registry's name (alerts.timeline), never "AlertEvent object (52)"
        from alerts.timeline import label

        return f"{label(self.kind)} #{self.pk}"


class DisclosureRecipient(models.TextChoices):
    GUARDIAN = "guardian", _("guardian")
    POLICE = "police", _("police (112)")
    FIRE = "fire", _("fire service (119)")


class Disclosure(models.Model):
    """Each provision of a citizen's location to a third party (위치정보법 §16, §19)."""

    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.CASCADE, related_name="disclosures")
    recipient_kind = models.CharField(max_length=10, choices=DisclosureRecipient.choices)
    recipient = models.CharField(max_length=100)  # e.g. the guardian's name and masked phone
    purpose = models.CharField(max_length=30)
    alert = models.ForeignKey(Alert, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    trip = models.ForeignKey(Trip, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class EscalationAgency(models.TextChoices):
    POLICE = "police", _("police (112)")
    FIRE = "fire", _("fire service (119)")


class EscalationStatus(models.TextChoices):
    """Where the agency is with the request: ours first, then what their callbacks report."""

    REQUESTED = "requested", _("requested")
    RECEIVED = "received", _("received by the agency")
    DISPATCHED = "dispatched", _("units dispatched")
    ON_SCENE = "on_scene", _("on scene")
    CLOSED = "closed", _("closed by the agency")


class DeliveryStatus(models.TextChoices):
    """Whether the request reached the agency's system (alerts.dispatch)."""

    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")
    # No webhook is configured for the agency: the operator phones 112/119 (told so at once).
    NOT_LINKED = "not_linked", _("not linked")


class Escalation(models.Model):
    """A request from the console to hand an alert to the police or fire service, delivered to the
    agency's system by a signed webhook (alerts.dispatch) whose callbacks move ``status`` on."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="escalations")
    agency = models.CharField(_("agency"), max_length=10, choices=EscalationAgency.choices)
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(_("status"), max_length=15, choices=EscalationStatus.choices,
                              default=EscalationStatus.REQUESTED)
    status_at = models.DateTimeField(_("agency status time"), null=True, blank=True)
    requested_by = models.ForeignKey("operators.User", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    delivery_status = models.CharField(_("delivery"), max_length=12, choices=DeliveryStatus.choices,
                                       default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    last_error = models.CharField(_("last delivery error"), max_length=300, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    # When the next attempt is due; the sweep re-queues pending rows whose task got lost.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    external_reference = models.CharField(_("agency reference"), max_length=100, blank=True)
    # A second request to an agency already asked for this alert says why (else it is refused).
    repeat_reason = models.CharField(_("reason for a new request"), max_length=500, blank=True)
    # When the console started alarming "phone the agency" (not linked, failed, or still pending
    # after DISPATCH_PENDING_ALARM_SECONDS), and what the operator recorded about the phone call.
    alarm_at = models.DateTimeField(_("phone alarm raised"), null=True, blank=True)
    phoned_at = models.DateTimeField(_("reported by phone"), null=True, blank=True)
    phoned_by = models.ForeignKey("operators.User", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("phoned by"))
    phone_reference = models.CharField(_("reference given on the phone"), max_length=100, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        indexes = [
            models.Index(fields=["delivery_status", "next_attempt_at"], name="escalation_delivery_due"),
        ]

    def __str__(self) -> str:  # the admin's inline titles: never "Escalation object (1)"
        return f"{self.get_agency_display()} #{self.pk}"

    @property
    def idempotency_key(self) -> str:
        """Same on every attempt: the agency's system drops a request it has already taken."""
        return f"esc-{self.pk}"


class RetentionRun(models.Model):
    """One run of the location retention job: what was deleted or reduced, never whose (the
    alerts and trips themselves stay, marked ``reduced_at``)."""

    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    cutoff = models.DateTimeField(_("ended before"))
    alert_fixes_deleted = models.PositiveIntegerField(_("alert trail points deleted"), default=0)
    trip_fixes_deleted = models.PositiveIntegerField(_("trip trail points deleted"), default=0)
    alerts_reduced = models.PositiveIntegerField(_("alerts reduced"), default=0)
    trips_reduced = models.PositiveIntegerField(_("trips reduced"), default=0)
    alerts_held = models.PositiveIntegerField(_("alerts held (escalated or crime)"), default=0)
    last_locations_cleared = models.PositiveIntegerField(_("last known locations cleared"), default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("location retention run")
        verbose_name_plural = _("location retention runs")
