"""Location ingest of an active trip in one SQL statement: the hot path of the service (every
phone on a trip, every few seconds). The ORM version took five statements and a transaction, and
Django's query building cost about 1 ms of CPU per statement on the benchmark machine, more than
the round trips themselves (docs/benchmarks.md). One statement needs no BEGIN/COMMIT either.

Same rules as ``trip_actions.do_add_trip_locations``, which calls this first and keeps the ORM
path for the rare cases (an overdue trip, whose open alert follows the citizen).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.utils import timezone

from alerts.locations import Fix

# ``trip`` locks the row (a concurrent arrival or end commits first, and is then seen) and checks
# ownership; the trail, the trip's and the citizen's last location change only for an active trip,
# and the last locations only when the newest fix is newer than what they hold. A data-modifying
# CTE runs whether or not the main query reads it.
_SQL = """
WITH trip AS (
    SELECT id, status FROM alerts_trip
    WHERE id = %(trip)s AND citizen_id = %(citizen)s
    FOR UPDATE
), latest AS (
    SELECT ST_SetSRID(ST_MakePoint(%(last_lon)s, %(last_lat)s), 4326)::geography AS point,
           %(last_at)s::timestamptz AS at
), trail AS (
    INSERT INTO alerts_triplocation (trip_id, location, accuracy, source, recorded_at, received_at)
    SELECT trip.id, ST_SetSRID(ST_MakePoint(f.lon, f.lat), 4326)::geography, f.accuracy, f.source,
           f.recorded_at, %(received_at)s
    FROM trip,
         unnest(%(lon)s::float8[], %(lat)s::float8[], %(accuracy)s::float8[], %(source)s::text[],
                %(recorded_at)s::timestamptz[]) AS f(lon, lat, accuracy, source, recorded_at)
    WHERE trip.status = 'active'
    RETURNING 1
), moved_trip AS (
    UPDATE alerts_trip t SET last_location = latest.point, last_location_at = latest.at
    FROM trip, latest
    WHERE t.id = trip.id AND trip.status = 'active'
      AND (t.last_location_at IS NULL OR t.last_location_at < latest.at)
    RETURNING 1
), moved_citizen AS (
    UPDATE guardians_citizen c SET last_location = latest.point, last_location_at = latest.at
    FROM trip, latest
    WHERE c.id = %(citizen)s AND trip.status = 'active'
      AND (c.last_location_at IS NULL OR c.last_location_at < latest.at)
    RETURNING 1
)
SELECT status FROM trip
"""


def add_to_active_trip(citizen_id: int, trip_id: int, fixes: Sequence[Fix], latest: Fix) -> str | None:
    """Stores ``fixes`` if the trip is the citizen's and active. Returns the trip's status (the
    fixes were stored only for "active"), or None when it is not the citizen's trip."""
    params = {
        "trip": trip_id, "citizen": citizen_id,
        "lon": [f.point.x for f in fixes], "lat": [f.point.y for f in fixes],
        "accuracy": [f.accuracy for f in fixes], "source": [f.source for f in fixes],
        "recorded_at": [f.recorded_at for f in fixes],
        "last_lon": latest.point.x, "last_lat": latest.point.y, "last_at": latest.recorded_at,
        "received_at": timezone.now(),  # as auto_now_add: not now(), the transaction's start
    }
    with connection.cursor() as cursor:
        cursor.execute(_SQL, params)
        row = cursor.fetchone()
    return row[0] if row else None
