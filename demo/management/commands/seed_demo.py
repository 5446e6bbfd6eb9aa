"""``manage.py seed_demo [--synthetic]``: demo centers, cameras and staff for ``make run``.

Runs on every start, so each step checks before it writes: a second run takes about a second and
changes nothing. Real public data (SHARED_DATA_DIR) is used when present, else a synthetic region.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cameras.importing import import_cameras
from cameras.models import Camera, Status
from demo.cameras import DEMO_STREAM_COUNT
from demo.staff import DEMO_PASSWORD, ensure_demo_staff
from demo.synthetic import (
    SYNTHETIC_AGENCY,
    SYNTHETIC_CAMERA_COUNT,
    synthetic_boundaries,
    synthetic_camera_rows,
)
from operators.centers import HWASEONG_CODE, CenterChanges, save_centers
from operators.management.commands.load_centers import default_boundary_file, describe, load_centers
from operators.models import Center
from places.importing import import_places_file
from places.management.commands.load_places import default_files
from places.models import AdminArea, Facility

REAL_AGENCY = "경기도 화성시청"
# Real standard data says nothing about PTZ or AI: give every n-th real camera the capability so
# the console has something to show.
DEMO_PTZ_EVERY, DEMO_AI_EVERY = 4, 5


# Where demo alerts are raised (real 화성시 landmarks, inside both the real and the synthetic
# region): the cameras nearest each play the demo HLS streams of scripts/demo_streams.sh, so an
# SOS there opens moving video on the console's wall. All other cameras keep the SVG snapshot.
DEMO_PLACES: tuple[tuple[str, float, float], ...] = (
    ("화성시청", 126.8314, 37.1995),
    ("동탄역", 127.0964, 37.2002),
    ("봉담읍 행정복지센터", 126.9513, 37.2170),
    ("향남읍 행정복지센터", 126.9155, 37.1300),
)
# As many as the console shows around an alert (NEAREST_CAMERAS_DEFAULT): an SOS a few metres off
# the place, nearer to a neighbouring pole, still opens mostly moving video.
DEMO_STREAM_CAMERAS_PER_PLACE = 8


def real_camera_file() -> Path:
    return Path(settings.SHARED_DATA_DIR) / "cctv" / "hwaseong_osan_cctv.csv"


def real_data_present() -> bool:
    return default_boundary_file().is_file() and real_camera_file().is_file()


class Command(BaseCommand):
    help = gettext_lazy("Load demo centers, cameras and staff (idempotent; refuses in production).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--synthetic", action="store_true",
                            help=gettext_lazy("use the synthetic region even when real data is present"))
        parser.add_argument("--force", action="store_true",
                            help=gettext_lazy("run even in production mode (never on a live center)"))

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION and not options["force"]:
            raise CommandError(_("seed_demo creates demo accounts with a shared password and refuses "
                                 "to run in production mode (HWASEONG_MODE=production). Use --force "
                                 "only on a throw-away database."))
        started = time.perf_counter()
        if options["synthetic"] or not real_data_present():
            self.stdout.write(_("Demo data: synthetic region (no real data at %(dir)s or --synthetic)")
                              % {"dir": settings.SHARED_DATA_DIR})
            self.seed_synthetic()
        else:
            self.stdout.write(_("Demo data: real public data from %(dir)s")
                              % {"dir": settings.SHARED_DATA_DIR})
            self.seed_real()
        self.step(_("Demo snapshot URLs set"), give_demo_snapshots())
        self.step(_("Demo HLS stream URLs set"), give_demo_streams())
        created = ensure_demo_staff()
        self.step(_("Demo staff created"), len(created), ", ".join(created))
        self.summary(time.perf_counter() - started)

    def step(self, label: str, count: int, detail: str = "") -> None:
        self.stdout.write(f"  {label}: {count}" + (f" ({detail})" if detail else ""))

    # --- Synthetic ----------------------------------------------------------------------------------
    @transaction.atomic
    def seed_synthetic(self) -> None:
        changes = save_centers(synthetic_boundaries())
        self.stdout.write("  " + describe(changes, _("the synthetic region")))
        # Before creating the synthetic cameras (created with their center already set), so a
        # first run re-assigns nothing.
        self.assign_if_moved(changes)
        self.step(_("Synthetic cameras created"), create_synthetic_cameras())

    # --- Real ---------------------------------------------------------------------------------------
    def seed_real(self) -> None:
        with transaction.atomic():
            # Before loading centers, so that their re-assignment skips cameras about to go.
            removed = Camera.objects.filter(agency=SYNTHETIC_AGENCY).delete()[1].get("cameras.Camera", 0)
            if removed:
                self.step(_("Synthetic cameras removed (real data replaces them)"), removed)
            changes, _assigned = load_centers(default_boundary_file())
            self.stdout.write("  " + describe(changes, default_boundary_file().name))
        self.import_real_cameras()
        self.step(_("Demo PTZ/AI capabilities given"), give_demo_capabilities())
        self.load_places()

    def load_places(self) -> None:
        # The map's context layers and the alerts' area names (docs/places.md); quick, but a
        # restart needs them only once.
        if AdminArea.objects.exists() and Facility.objects.exists():
            loaded = AdminArea.objects.count() + Facility.objects.count()
            self.step(_("Reference places already loaded"), loaded)
            return
        for path in default_files():
            report = import_places_file(path)
            self.step(f"{path.name}: {report.layer}", report.saved)

    def import_real_cameras(self) -> None:
        # The import is an idempotent upsert but takes seconds; skipping it keeps restarts quick.
        present = Camera.objects.filter(agency=REAL_AGENCY).count()
        if present:
            self.step(_("Camera import skipped, 화성시 cameras already present"), present)
            return
        self.stdout.write(f"  {_('Importing')} {real_camera_file()}")
        report = import_cameras(real_camera_file(), progress=self.progress)
        self.stdout.write("\n".join(f"    {line}" for line in report.lines()))

    def progress(self, done: int, total: int) -> None:
        self.stdout.write(f"    {done:,}/{total:,}")

    def assign_if_moved(self, changes: CenterChanges) -> None:
        if changes.created or changes.updated:
            self.step(_("Cameras re-assigned to centers"), Camera.objects.all().assign_centers())

    def summary(self, seconds: float) -> None:
        hwaseong = Center.objects.filter(code=HWASEONG_CODE).first()
        in_hwaseong = hwaseong.cameras.count() if hwaseong else 0
        self.stdout.write(self.style.SUCCESS(
            _("seed_demo done in %(s).1f s: %(centers)d centers, %(cameras)d cameras (%(hw)d in 화성시). "
              "Demo password: %(pw)s — see manage.py demo_logins") % {
                "s": seconds, "centers": Center.objects.count(), "cameras": Camera.objects.count(),
                "hw": in_hwaseong, "pw": DEMO_PASSWORD}))


def create_synthetic_cameras() -> int:
    """Bulk-create the synthetic cameras that are missing (none on a second run)."""
    existing = Camera.objects.filter(agency=SYNTHETIC_AGENCY)
    if existing.count() == SYNTHETIC_CAMERA_COUNT:
        return 0  # Skips generating 10k rows: this is the path of every `make run` after the first.
    have = set(existing.values_list("management_number", flat=True))
    hwaseong = Center.objects.get(code=HWASEONG_CODE)
    cameras = [Camera(center=hwaseong, **row) for row in synthetic_camera_rows()
               if row["management_number"] not in have]
    Camera.objects.bulk_create(cameras, batch_size=2000)
    return len(cameras)


def give_demo_snapshots() -> int:
    """Point every camera without a snapshot URL at the demo snapshot view (one UPDATE)."""
    prefix, suffix = snapshot_url_parts()
    return Camera.objects.filter(snapshot_url="").update(
        snapshot_url=Concat(Value(prefix), Cast("id", CharField()), Value(suffix), output_field=CharField())
    )


def snapshot_url_parts() -> tuple[str, str]:
    """``(prefix, suffix)`` around a camera id in the absolute demo snapshot URL."""
    marker = 987654321
    url = settings.SITE_URL + reverse("demo:camera-snapshot", kwargs={"pk": marker})
    prefix, suffix = url.split(str(marker))
    return prefix, suffix


def give_demo_capabilities() -> int:
    """PTZ on every 4th real camera, AI on every 5th (by id); a no-op once done."""
    real = Camera.objects.exclude(agency=SYNTHETIC_AGENCY).alias(
        ptz_slot=F("id") % DEMO_PTZ_EVERY, ai_slot=F("id") % DEMO_AI_EVERY)
    ptz = real.filter(ptz_slot=0, has_ptz=False).update(has_ptz=True)
    return ptz + real.filter(ai_slot=0, has_ai=False).update(has_ai=True)


def demo_stream_url(number: int) -> str:
    path = reverse("demo:stream-file", kwargs={"stream": str(number), "filename": "index.m3u8"})
    return settings.SITE_URL + path


def give_demo_streams() -> int:
    """Give the active cameras nearest each demo place a demo HLS URL, cycling through the
    streams. Cameras that already have an HLS URL (a real one, or from an earlier run) keep it,
    so a second run changes nothing."""
    updated, stream = 0, 0
    for _name, longitude, latitude in DEMO_PLACES:
        point = Point(longitude, latitude, srid=4326)
        active = Camera.objects.filter(status=Status.ACTIVE)
        for camera in active.nearest(point, limit=DEMO_STREAM_CAMERAS_PER_PLACE):
            stream += 1
            if camera.hls_url:
                continue
            number = (stream - 1) % DEMO_STREAM_COUNT + 1
            updated += Camera.objects.filter(pk=camera.pk, hls_url="").update(hls_url=demo_stream_url(number))
    return updated
