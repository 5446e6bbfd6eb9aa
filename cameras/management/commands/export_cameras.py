"""manage.py export_cameras FILE [--encoding utf-8|cp949] [--agency NAME]"""

from __future__ import annotations

import io

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cameras.exporting import write_standard_csv
from cameras.models import Camera

ENCODINGS = {
    # The BOM is what makes Excel read UTF-8 as UTF-8 rather than the ANSI code page.
    "utf-8": "utf-8-sig",
    "cp949": "cp949",
}


class Command(BaseCommand):
    help = "Write cameras as a CSV in the current layout of the national CCTV standard data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="output file, or - for standard output")
        parser.add_argument("--encoding", choices=sorted(ENCODINGS), default="utf-8")
        parser.add_argument("--agency", help="only cameras of this managing agency (관리기관명)")

    def handle(self, *args: object, **options: object) -> None:
        queryset = Camera.objects.all()
        if options["agency"]:
            queryset = queryset.filter(agency=options["agency"])
        text = io.StringIO()
        count = write_standard_csv(queryset, text)
        self._save(str(options["file"]), text.getvalue(), ENCODINGS[str(options["encoding"])])
        self.stderr.write(f"{count:,} cameras exported")

    def _save(self, path: str, text: str, encoding: str) -> None:
        # cp949 cannot spell every character; '?' beats failing the whole export.
        data = text.encode(encoding, errors="replace")
        if path == "-":
            buffer = getattr(self.stdout, "buffer", None)  # OutputWrapper passes it on from its stream
            if buffer is None:  # a text stream (call_command in tests): hand it the text
                self.stdout.write(data.decode(encoding), ending="")
            else:
                buffer.write(data)
                buffer.flush()
            return
        try:
            with open(path, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc.strerror}") from exc
