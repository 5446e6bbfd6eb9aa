"""Where an alert goes: routing with the fallbacks that make sure an SOS always has a home."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.gis.geos import Point

from guardians.models import Citizen
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
    # How the center was chosen: "fix", "last_location", "home_center", "host_center" or "none".
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
