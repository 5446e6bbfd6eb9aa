"""``manage.py access_review [--month YYYY-MM]``: the monthly review of unusual access (default:
last month), for a supervisor or a monthly cron job; the same as the admin's review page."""

from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from operators.audit_review import last_month, monthly_review


class Command(BaseCommand):
    help = "List unusual access to people's data in a month (night-time bulk views, many people a day)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: last month, Seoul time)")

    def handle(self, *args: object, month: str | None = None, **options: object) -> None:
        if month is None:
            year, number = last_month()
        elif match := re.fullmatch(r"(\d{4})-(\d{2})", month):
            year, number = int(match[1]), int(match[2])
            if not 1 <= number <= 12:
                raise CommandError(_("The month must be YYYY-MM."))
        else:
            raise CommandError(_("The month must be YYYY-MM."))
        findings = monthly_review(year, number)
        self.stdout.write(_("Access review %(month)s: %(count)d findings")
                          % {"month": f"{year}-{number:02d}", "count": len(findings)})
        for f in findings:
            self.stdout.write(f"{f.rule}\t{f.day}\t{f.username}\t{f.views}\t{f.subjects}")
