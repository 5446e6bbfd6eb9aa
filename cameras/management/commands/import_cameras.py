"""manage.py import_cameras FILE [--dry-run]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cameras.importing import ImportFileError, import_cameras


class Command(BaseCommand):
    help = "Create or update cameras from a CSV of the national CCTV standard data (전국CCTV표준데이터)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV file, UTF-8 (with or without BOM) or CP949")
        parser.add_argument("--dry-run", action="store_true", help="report what would change, save nothing")

    def handle(self, *args: object, **options: object) -> None:
        try:
            report = import_cameras(
                options["file"], dry_run=bool(options["dry_run"]), progress=self._progress
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(f"  {done:,} / {total:,} rows")
