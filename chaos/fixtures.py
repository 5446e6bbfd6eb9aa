"""Fixtures of `make chaos`, made through Django straight in the chaos database (not through the
proxy): `python -m chaos.fixtures world CITIZENS CONSOLES` makes the linked centers, CITIZENS
citizens with an app token and bench.console_fixtures.GUARDIANS guardians each (the bench's SOS
citizens, as they are), and CONSOLES operators of the demo city with a session each; prints them
as JSON, with the guardians counted in the database. Earlier chaos citizens, alerts and SMS go
first."""

from __future__ import annotations

import json
import sys

from bench.console_fixtures import CENTER, consoles, sos_citizens
from bench.fixtures import centers


def world(citizens: int, console_count: int) -> dict:
    from django.db import connection

    from citizens.models import Citizen
    from guardians.models import Guardian

    centers()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE guardians_smsmessage RESTART IDENTITY")
    sos = sos_citizens(citizens, CENTER)  # empties the citizen and alert tables first
    # What was made, counted, not assumed: the report's expected SMS come from the database too.
    guardians = Guardian.objects.filter(declined_at__isnull=True).count()
    return {"tokens": sos["tokens"], "point": sos["point"], "center": CENTER,
            "citizens": Citizen.objects.count(), "guardians": guardians,
            "sessions": consoles(console_count, "operator", CENTER)}


def main(argv: list[str]) -> None:
    import django

    django.setup()
    if argv[1] != "world":
        raise SystemExit(f"unknown fixture {argv[1]!r}")
    print(json.dumps(world(int(argv[2]), int(argv[3]))))


if __name__ == "__main__":
    main(sys.argv)
