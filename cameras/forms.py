"""Admin form for cameras: latitude/longitude inputs and a Leaflet map instead of a raw geometry field.

The stock GeoDjango widgets load OpenLayers and OSM tiles from the internet, which control-center
networks cannot reach, so ``location`` is edited through two decimal inputs and a vendored Leaflet map.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils.html import format_html, json_script
from django.utils.translation import gettext_lazy as _

from cameras.models import Camera
from operators.models import Center
from places.address import local_part

# Bounding box of the Republic of Korea, mainland and islands (Marado 33.1 to Dokdo 131.9).
LATITUDE_RANGE = (Decimal("33"), Decimal("38.7"))
LONGITUDE_RANGE = (Decimal("124.5"), Decimal("132"))
# Boundaries only orient the operator; ~50 m of simplification keeps the page small.
BOUNDARY_TOLERANCE_DEGREES = 0.0005
NEIGHBOUR_CENTERS_METERS = 5_000
NEARBY_CAMERAS_METERS = 600
NEARBY_CAMERAS_MAX = 300


def boundary_feature(center: Center, *, own: bool) -> dict[str, Any]:
    geometry = center.boundary.simplify(BOUNDARY_TOLERANCE_DEGREES, preserve_topology=True)
    return {
        "type": "Feature",
        "geometry": json.loads(geometry.geojson),
        "properties": {"name": center.name, "code": center.code, "own": own},
    }


def map_labels() -> dict[str, str]:
    """Texts the map script shows, translated here because the JS has no catalog of its own."""
    return {"zoomIn": str(_("Zoom in")), "zoomOut": str(_("Zoom out"))}


class MapWidget(forms.Widget):
    """Renders a map container and its configuration as JSON; static/js/camera_map_widget.js draws it.

    The widget holds no value of its own: the JS reads and writes the inputs named in ``config``.
    """

    class Media:
        css = {"all": ["vendor/leaflet/leaflet.css", "css/admin_map.css"]}
        js = ["vendor/leaflet/leaflet.js", "js/view_cone.js", "js/camera_map_widget.js"]

    def __init__(self, config: dict[str, Any] | None = None, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.config: dict[str, Any] = config or {}

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> str:
        element_id = (attrs or {}).get("id") or f"id_{name}"
        config = {"tileUrl": settings.MAP_TILE_URL, **self.config}
        return format_html(
            '<div class="hs-map" id="{}" data-config-id="{}_config" role="application" aria-label="{}">'
            "</div>{}",
            element_id, element_id, _("Map"), json_script(config, f"{element_id}_config"),
        )

    def value_from_datadict(self, data: Any, files: Any, name: str) -> None:
        return None


class CameraAdminForm(forms.ModelForm):
    latitude = forms.DecimalField(
        label=_("Latitude"), max_digits=12, decimal_places=8,
        help_text=_("WGS84 degrees north, e.g. 37.199500. Click the map or drag the marker to set it."),
        widget=forms.NumberInput(attrs={"step": "any", "class": "hs-coordinate"}),
        error_messages={"invalid": _("Enter the latitude as a decimal number, e.g. 37.199500.")},
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), max_digits=12, decimal_places=8,
        help_text=_("WGS84 degrees east, e.g. 126.831400."),
        widget=forms.NumberInput(attrs={"step": "any", "class": "hs-coordinate"}),
        error_messages={"invalid": _("Enter the longitude as a decimal number, e.g. 126.831400.")},
    )
    map = forms.Field(label=_("Map"), required=False, widget=MapWidget)

    class Meta:
        model = Camera
        # Everything editable but ``location``, which latitude/longitude stand for.
        fields = [
            "agency_code", "agency", "management_number", "road_address", "lot_address", "purpose",
            "camera_count", "pixels", "view_direction", "bearing", "field_of_view", "retention_days",
            "installed_on", "phone", "data_date", "center", "status", "last_heartbeat_at", "has_ptz",
            "has_ai", "has_recognition", "hls_url", "mjpeg_url", "snapshot_url", "rtsp_url",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        location = self.instance.location if self.instance.pk else None
        if location is not None:
            self.initial.setdefault("latitude", round(Decimal(str(location.y)), 6))
            self.initial.setdefault("longitude", round(Decimal(str(location.x)), 6))
        self.fields["map"].widget = MapWidget(config=self._map_config(location))

    def _map_config(self, location: Point | None) -> dict[str, Any]:
        prefix = self.add_prefix
        config: dict[str, Any] = {
            "mode": "camera",
            "inputs": {
                key: f"id_{prefix(key)}" for key in ("latitude", "longitude", "bearing", "field_of_view")
            },
            "labels": map_labels() | {
                "camera": str(_("Camera")), "nearby": str(_("nearby camera")),
                "jurisdiction": str(_("Jurisdiction")),
            },
            "boundaries": [],
            "nearby": [],
        }
        own = self.instance.center if self.instance.center_id else None
        if location is None:
            # New camera: every linked center, so the operator can find the place to click.
            centers = list(Center.objects.linked())
        else:
            centers = list(Center.objects.within_band(location, NEIGHBOUR_CENTERS_METERS))
            nearby = (
                Camera.objects.within_radius(location, NEARBY_CAMERAS_METERS)
                .exclude(pk=self.instance.pk)
                .values_list("location", "management_number", "road_address",
                             "lot_address")[:NEARBY_CAMERAS_MAX]
            )
            # Named as the console names them, never by id alone (cameras/describe.py).
            config["nearby"] = [[point.y, point.x, number or local_part(road or lot)]
                                for point, number, road, lot in nearby]
        if own is not None and all(center.pk != own.pk for center in centers):
            centers.append(own)
        config["boundaries"] = [
            boundary_feature(center, own=own is not None and center.pk == own.pk) for center in centers
        ]
        return config

    def _check_range(self, field: str, bounds: tuple[Decimal, Decimal], message: str) -> Decimal | None:
        # NaN and Infinity never get here: DecimalField rejects them with the "invalid" message.
        value: Decimal | None = self.cleaned_data.get(field)
        if value is None:
            return None
        low, high = bounds
        if not low <= value <= high:
            raise forms.ValidationError(message, code="out_of_korea", params={"low": low, "high": high})
        return value

    def clean_latitude(self) -> Decimal | None:
        return self._check_range(
            "latitude", LATITUDE_RANGE,
            _("Latitude must be between %(low)s and %(high)s degrees north (inside Korea)."),
        )

    def clean_longitude(self) -> Decimal | None:
        return self._check_range(
            "longitude", LONGITUDE_RANGE,
            _("Longitude must be between %(low)s and %(high)s degrees east (inside Korea)."),
        )

    def save(self, commit: bool = True) -> Camera:
        # The inputs show 6 decimals (~0.1 m); imported points carry more. Saving a form whose
        # coordinates were not touched must not move the camera by that rounding.
        if self.instance.location is None or {"latitude", "longitude"} & set(self.changed_data):
            latitude, longitude = self.cleaned_data["latitude"], self.cleaned_data["longitude"]
            self.instance.location = Point(float(longitude), float(latitude), srid=4326)
        return super().save(commit)
