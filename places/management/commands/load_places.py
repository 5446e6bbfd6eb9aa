"""manage.py load_places [FILE ...]: the reference layers (docs/places.md)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from places.importing import PlacesFileError, import_places_file

# In ../shared/data (SHARED_DATA_DIR): sigungu first, so that 읍면동 names follow their city.
DEFAULT_FILES = (
    "boundaries/gyeonggi_sigungu.geojson",
    "boundaries/hwaseong_dong.geojson",
    "stations/gyeonggi_police_stations.csv",
    "stations/fire_119_centers_geocoded_cp949.csv",
    "zones/gyeonggi_child_protection_zones_cp949.csv",
)


def default_files() -> list[Path]:
    """The shared data's layer files that are present (none without ../shared/data)."""
    return [path for name in DEFAULT_FILES if (path := Path(settings.SHARED_DATA_DIR) / name).is_file()]


class Command(BaseCommand):
    help = gettext_lazy("Load administrative areas, police stations, 119 safety centers and child-protection "
                        "zones (default: the public data in SHARED_DATA_DIR).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path)

    def handle(self, *args: object, **options: object) -> None:
        files = options["files"] or default_files()
        if not files:
            self.stdout.write(_("No place files given and none found in %(dir)s: nothing loaded.")
                              % {"dir": settings.SHARED_DATA_DIR})
            return
        for path in files:
            try:
                report = import_places_file(path)
            except (OSError, PlacesFileError) as exc:
                raise CommandError(f"{path}: {exc}") from exc
            self.stdout.write(f"{path.name}: " + "; ".join(report.lines()))
