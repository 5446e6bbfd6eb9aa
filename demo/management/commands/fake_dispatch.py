"""``manage.py fake_dispatch``: a local stand-in for the 112/119 dispatch systems (demo only).

Point DISPATCH_POLICE_URL / DISPATCH_FIRE_URL at http://127.0.0.1:<port>/police and /fire, with
the same DISPATCH_*_SECRET values in both processes, and escalate an alert from the console.
"""

from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alerts.dispatch import config
from demo.fake_dispatch import FakeDispatch


class Command(BaseCommand):
    help = "Run a fake police/fire dispatch receiver on 127.0.0.1 that verifies webhooks and calls back."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8710)
        parser.add_argument("--callback-url", default="",
                            help="Where to post status callbacks (default: DISPATCH_CALLBACK_URL, else "
                                 "SITE_URL + /api/v1/dispatch/callback).")
        parser.add_argument("--delay", type=float, default=3.0, help="Seconds between callbacks.")
        parser.add_argument("--no-callbacks", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        secrets = {agency: config.agency_secret(agency) for agency in config.AGENCIES}
        secrets = {agency: secret for agency, secret in secrets.items() if secret}
        if not secrets:
            raise CommandError("Set DISPATCH_POLICE_SECRET and/or DISPATCH_FIRE_SECRET first.")
        logging.getLogger("demo.fake_dispatch").setLevel(logging.INFO)
        fake = FakeDispatch(secrets, callback_url=options["callback_url"] or config.callback_url(),
                            callback_delay=options["delay"], send_callbacks=not options["no_callbacks"],
                            port=options["port"]).start()
        for agency in secrets:
            self.stdout.write(f"fake {agency} dispatch: {fake.url(agency)}")
        self.stdout.write(f"callbacks to {fake.callback_url}; Ctrl-C to stop")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            fake.stop()
