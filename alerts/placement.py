"""Where an alert goes, the one home of that rule for alerts: ``place`` for a new alert (routing with
the fallbacks that make sure an SOS always has a home), ``follow`` when its citizen moves. The
point-to-center rule itself is operators/jurisdiction.py."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.gis.geos import Point

from alerts.models import Alert
from citizens.models import Citizen
from operators.centers import host_center
from operators.jurisdiction import NoCentersConfigured, Routing, route_point
from operators.models import Center
from places.address import NO_ADDRESS, Address, describe


@dataclass(frozen=True)
class Placement:
    center: Center | None
    out_of_area: bool
    border_centers: tuple[Center, ...]
    distance_outside_m: float | None
    # How the center was chosen: "fix", "last_location", "home_center", "host_center", "none", or
    # "pinned" (an operator chose it; ``follow``).
    routed_by: str
    # The human address of the alert's own position (NO_ADDRESS without one).
    address: Address = NO_ADDRESS


def route(point: Point) -> Routing | None:
    """``route_point``, or None while no linked center exists (a fresh install must still store
    the SOS; it is routed when a location comes after the centers are loaded)."""
    try:
        return route_point(point)
    except NoCentersConfigured:
        return None


def place(citizen: Citizen, point: Point | None) -> Placement:
    """The alert's own fix first, then the citizen's last known location, then the home center,
    then the service's host center: an alert never waits without operators who watch it. Only
    while no center exists at all (a fresh install) is it accepted with no center yet."""
    address = describe(point) if point is not None else NO_ADDRESS
    for source, candidate in (("fix", point), ("last_location", citizen.last_location)):
        if candidate is not None and (routing := route(candidate)) is not None:
            return Placement(routing.center, routing.out_of_area, routing.neighbours,
                             routing.distance_outside_m, source, address)
    if citizen.home_center_id is not None:
        return Placement(citizen.home_center, False, (), None, "home_center", address)
    if (host := host_center()) is not None:
        return Placement(host, False, (), None, "host_center", address)
    return Placement(None, False, (), None, "none", address)


def follow(alert: Alert, point: Point) -> Placement | None:
    """Where the alert goes when its citizen's position moves to ``point``: None while no linked
    center exists (it stays where it is). A center an operator chose (``center_pinned``) stays; the
    city the citizen is in then sees the alert as a border center."""
    routing = route(point)
    if routing is None:
        return None
    if alert.center_pinned and alert.center is not None:
        watchers = {routing.center, *routing.neighbours} - {alert.center}
        return Placement(alert.center, alert.out_of_area, tuple(sorted(watchers, key=lambda c: c.code)),
                         None, "pinned")
    return Placement(routing.center, routing.out_of_area, routing.neighbours, routing.distance_outside_m,
                     "fix")
