"""App-side fixtures made through Django in the bench database: `python -m bench.fixtures staff`
prints a staff session key; `... phones N` prints N (trip id, bearer token) pairs as JSON;
`... centers` makes the linked centers.

Run as a subprocess with the bench database's environment (bench.config.server_env), so the
bench process itself never points Django at a database."""

from __future__ import annotations

import json
import sys
from datetime import timedelta


def staff_session() -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from operators.models import User

    user, _ = User.objects.get_or_create(username="bench-operator", defaults={"role": "operator"})
    # The session a login through the admin form would make, without a browser.
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.set_expiry(3600)
    session.create()
    return session.session_key


def phones(count: int) -> list[tuple[int, str]]:
    """``count`` citizens, each with an app token and one active trip. Earlier bench citizens go."""
    import secrets

    from django.contrib.gis.geos import Point
    from django.db import connection
    from django.utils import timezone

    from alerts.models import Trip
    from citizens.auth import hash_token
    from citizens.models import AppToken, Citizen

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE guardians_citizen, alerts_triplocation RESTART IDENTITY CASCADE")
    now = timezone.now()
    citizens = Citizen.objects.bulk_create(
        Citizen(phone=f"0109{i:07d}", name=f"bench {i}") for i in range(count)
    )
    raws = [secrets.token_urlsafe(32) for _ in citizens]
    # last_used_at = now: the steady state, where a token's use is written once per 5 minutes.
    AppToken.objects.bulk_create(
        AppToken(citizen=c, key_hash=hash_token(raw), device_name="bench", last_used_at=now)
        for c, raw in zip(citizens, raws, strict=True)
    )
    home = Point(126.910, 37.165, srid=4326)
    trips = Trip.objects.bulk_create(
        Trip(citizen=c, destination=home, destination_name="bench",
             expected_arrival=now + timedelta(hours=11), last_location=home, last_location_at=now)
        for c in citizens
    )
    return [(trip.pk, raw) for trip, raw in zip(trips, raws, strict=True)]


def centers() -> int:
    """The 18 linked centers with the synthetic boundaries the demo uses (about 1,900 vertices for
    the largest): real rows for the API's select_related("center") to carry."""
    from demo.synthetic import synthetic_boundaries
    from operators.centers import save_centers
    from operators.models import Center

    if not Center.objects.exists():
        save_centers(synthetic_boundaries())
    return Center.objects.count()


def main(argv: list[str]) -> None:
    import django

    django.setup()
    if argv[1] == "staff":
        print(json.dumps({"session": staff_session()}))
    elif argv[1] == "centers":
        print(json.dumps({"centers": centers()}))
    elif argv[1] == "phones":
        print(json.dumps({"phones": phones(int(argv[2]))}))
    else:
        raise SystemExit(f"unknown fixture {argv[1]!r}")


if __name__ == "__main__":
    main(sys.argv)
