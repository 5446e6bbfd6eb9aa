"""Fixtures of scenarios 2 and 4 (the console), made through Django in the bench database:

- `python -m bench.console_fixtures consoles N ROLE CODE`: N staff users (operators of center CODE,
  or supervisors with no center) and a logged-in session for each; prints the session keys.
- `... sos N CODE`: N citizens with an app token and GUARDIANS guardians each, no alerts (earlier
  bench citizens and their alerts go); prints the tokens and a point inside center CODE.
- `... alerts N CODE`: N open SOS alerts in center CODE, each with its `created` timeline entry;
  prints the `alert.event` messages alerts.publish would publish for them.

Run as a subprocess with the bench database's environment, like bench.fixtures."""

from __future__ import annotations

import json
import sys

from bench.fixtures import phones

CENTER = "41590"  # 화성시: the demo's own city
GUARDIANS = 2  # per SOS citizen: each SOS texts them, as a real one does


def consoles(count: int, role: str, code: str) -> list[str]:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from operators.models import Center, User

    center = Center.objects.get(code=code) if role == "operator" else None
    keys: list[str] = []
    for n in range(count):
        user, _ = User.objects.update_or_create(username=f"bench-{role}-{n}",
                                                defaults={"role": role, "center": center, "is_active": True})
        # The session a login through the form would make (as bench.fixtures.staff_session).
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.set_expiry(3600)
        session.create()
        keys.append(session.session_key)
    return keys


def sos_citizens(count: int, code: str) -> dict:
    """Citizens with tokens, GUARDIANS guardians each, and a point inside the center, so every SOS
    is routed there and texts its guardians (SMS rows, disclosures, one Celery task per SMS: the
    bench's SMS transport writes files). The trips bench.fixtures.phones makes are not sent: an SOS
    without a trip is the common case."""
    from citizens.models import Citizen
    from guardians.models import Guardian
    from operators.models import Center

    tokens = [token for _trip, token in phones(count)]  # also empties the alert tables
    Guardian.objects.bulk_create(
        Guardian(citizen_id=pk, name=f"bench guardian {n}", phone=f"0108{pk:05d}{n:02d}", relation="가족",
                 decline_token=f"bench-{pk}-{n}")
        for pk in Citizen.objects.values_list("pk", flat=True) for n in range(GUARDIANS)
    )
    inside = Center.objects.get(code=code).boundary.point_on_surface
    return {"tokens": tokens, "point": [inside.x, inside.y], "guardians": GUARDIANS}


def open_alerts(count: int, code: str) -> list[dict]:
    from django.db import connection

    from alerts.models import Alert, AlertEvent
    from alerts.publish import alert_payload
    from citizens.models import Citizen
    from operators.models import Center

    with connection.cursor() as cursor:  # no earlier alert may weigh on each console's snapshot
        cursor.execute("TRUNCATE guardians_citizen, alerts_triplocation RESTART IDENTITY CASCADE")
    citizen = Citizen.objects.create(phone="01090000000", name="bench fan-out")
    center = Center.objects.get(code=code)
    messages = []
    for _ in range(count):
        alert = Alert.objects.create(citizen=citizen, center=center,
                                     location=center.boundary.point_on_surface)
        event = AlertEvent.objects.create(alert=alert, kind="created", data={"routed_by": "fix"})
        messages.append(alert_payload(alert, "created") | {"timeline_event_id": event.pk, "moved": None})
    return messages


def main(argv: list[str]) -> None:
    import django

    django.setup()
    kind, count = argv[1], int(argv[2])
    if kind == "consoles":
        print(json.dumps({"sessions": consoles(count, argv[3], argv[4])}))
    elif kind == "sos":
        print(json.dumps(sos_citizens(count, argv[3])))
    elif kind == "alerts":
        print(json.dumps({"messages": open_alerts(count, argv[3])}))
    else:
        raise SystemExit(f"unknown fixture {kind!r}")


if __name__ == "__main__":
    main(sys.argv)
