"""Fixtures of `make chaos`, made through Django straight in the chaos database (not through the
proxy): `python -m chaos.fixtures world CITIZENS CONSOLES` makes the linked centers, CITIZENS
citizens with an app token and two guardians each, and CONSOLES operators of the demo city with a
session each; prints them as JSON. Earlier chaos citizens, alerts and SMS go first."""

from __future__ import annotations

import json
import secrets
import sys

from bench.console_fixtures import CENTER, consoles, sos_citizens
from bench.fixtures import centers

GUARDIANS_PER_CITIZEN = 2


def world(citizens: int, console_count: int) -> dict:
    from django.db import connection

    from guardians.models import Citizen, Guardian

    centers()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE guardians_smsmessage RESTART IDENTITY")
    sos = sos_citizens(citizens, CENTER)  # empties the citizen and alert tables first
    Guardian.objects.bulk_create(
        Guardian(citizen=citizen, name=f"보호자 {n}", phone=f"0107{citizen.pk:05d}{n:02d}",
                 decline_token=secrets.token_urlsafe(32))
        for citizen in Citizen.objects.order_by("pk") for n in range(GUARDIANS_PER_CITIZEN)
    )
    return {"tokens": sos["tokens"], "point": sos["point"], "center": CENTER,
            "sessions": consoles(console_count, "operator", CENTER)}


def main(argv: list[str]) -> None:
    import django

    django.setup()
    if argv[1] != "world":
        raise SystemExit(f"unknown fixture {argv[1]!r}")
    print(json.dumps(world(int(argv[2]), int(argv[3]))))


if __name__ == "__main__":
    main(sys.argv)
