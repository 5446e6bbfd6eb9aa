/*
 * Leaflet maps of the admin (camera change form, center change form).
 *
 * Control-center networks are closed: the only base layer is the center's own tile server
 * (settings.MAP_TILE_URL); without one the map shows vector layers only (center boundaries,
 * nearby cameras, a scale bar) so the operator still knows where the marker is.
 * Configuration comes from a <script type="application/json"> written by cameras.forms.MapWidget.
 */
(function () {
  "use strict";

  var VIEW_CONE_METERS = 60;
  var CAMERA_ZOOM = 16;
  var FALLBACK_CENTER = [37.1995, 126.8314]; // Hwaseong city hall

  function readNumber(input) {
    if (!input || input.value.trim() === "") return null;
    var value = Number(input.value);
    return isFinite(value) ? value : null;
  }

  function viewCone(latlng, bearing, fov) {
    return HSViewCone.viewCone(latlng, bearing, fov, { meters: VIEW_CONE_METERS });
  }

  // Names come from imported data: show them as text, never as HTML (Leaflet parses strings).
  function textNode(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function baseMap(element, config) {
    var labels = config.labels || {};
    // A view from the start: vector layers cannot be added to a map that has none yet.
    var map = L.map(element, {
      attributionControl: false, zoomControl: false, minZoom: 7, maxZoom: 19,
      center: FALLBACK_CENTER, zoom: 10,
    });
    L.control.zoom({ zoomInTitle: labels.zoomIn || "Zoom in", zoomOutTitle: labels.zoomOut || "Zoom out" }).addTo(map);
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { maxZoom: 19 }).addTo(map);
    } else {
      element.classList.add("hs-map--no-tiles");
    }
    L.control.scale({ imperial: false }).addTo(map);
    var boundaries = null;
    if (config.boundaries && config.boundaries.length) {
      boundaries = L.geoJSON({ type: "FeatureCollection", features: config.boundaries }, {
        interactive: false,
        style: function (feature) {
          var own = feature.properties.own;
          return { className: own ? "hs-boundary hs-boundary--own" : "hs-boundary", weight: own ? 3 : 1.5 };
        },
      }).addTo(map);
      boundaries.eachLayer(function (layer) {
        layer.bindTooltip(textNode(layer.feature.properties.name), { sticky: true });
      });
    }
    return { map: map, boundaries: boundaries };
  }

  // Buttons to switch between the camera's street and its whole jurisdiction (without tiles the
  // boundary is the only orientation once zoomed in).
  function viewControl(map, buttons) {
    var control = L.control({ position: "topright" });
    control.onAdd = function () {
      var bar = L.DomUtil.create("div", "leaflet-bar hs-view-buttons");
      buttons.forEach(function (button) {
        var link = L.DomUtil.create("a", "hs-view-button", bar);
        link.href = "#";
        link.setAttribute("role", "button");
        link.textContent = button.label;
        L.DomEvent.on(link, "click", function (event) {
          L.DomEvent.stop(event);
          button.action();
        });
      });
      L.DomEvent.disableClickPropagation(bar);
      return bar;
    };
    return control.addTo(map);
  }

  function initCenterMap(element, config) {
    var made = baseMap(element, config);
    if (made.boundaries) made.map.fitBounds(made.boundaries.getBounds(), { padding: [10, 10] });
    else made.map.setView(FALLBACK_CENTER, 10);
  }

  function initCameraMap(element, config) {
    var inputs = {};
    Object.keys(config.inputs).forEach(function (key) {
      inputs[key] = document.getElementById(config.inputs[key]);
    });
    var made = baseMap(element, config);
    var map = made.map;

    (config.nearby || []).forEach(function (row) {
      L.circleMarker([row[0], row[1]], { radius: 4, className: "hs-nearby", interactive: true })
        .bindTooltip(textNode(row[2] || config.labels.nearby))
        .addTo(map);
    });

    var lat = readNumber(inputs.latitude);
    var lng = readNumber(inputs.longitude);
    var marker = null;
    var cone = null;

    function drawCone() {
      if (cone) map.removeLayer(cone);
      cone = marker ? viewCone(marker.getLatLng(), readNumber(inputs.bearing), readNumber(inputs.field_of_view)) : null;
      if (cone) cone.addTo(map);
    }

    function placeMarker(latlng) {
      if (marker) {
        marker.setLatLng(latlng);
      } else {
        marker = L.marker(latlng, { draggable: true, autoPan: true, title: config.labels.camera, alt: config.labels.camera });
        marker.on("drag", drawCone);
        marker.on("dragend", function () { writeInputs(marker.getLatLng()); });
        marker.addTo(map);
      }
      drawCone();
    }

    function writeInputs(latlng) {
      inputs.latitude.value = latlng.lat.toFixed(6);
      inputs.longitude.value = latlng.lng.toFixed(6);
      // Let other scripts (and the admin's "unsaved changes" logic) see the edit.
      [inputs.latitude, inputs.longitude].forEach(function (input) {
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
    }

    if (lat !== null && lng !== null) {
      map.setView([lat, lng], CAMERA_ZOOM);
      placeMarker(L.latLng(lat, lng));
    } else if (made.boundaries) {
      map.fitBounds(made.boundaries.getBounds(), { padding: [10, 10] });
    } else {
      map.setView(FALLBACK_CENTER, 12);
    }

    var buttons = [];
    if (made.boundaries) {
      buttons.push({ label: config.labels.jurisdiction, action: function () {
        map.fitBounds(made.boundaries.getBounds(), { padding: [10, 10] });
      } });
    }
    buttons.push({ label: config.labels.camera, action: function () {
      if (marker) map.setView(marker.getLatLng(), CAMERA_ZOOM);
    } });
    viewControl(map, buttons);

    map.on("click", function (event) {
      placeMarker(event.latlng);
      writeInputs(event.latlng);
    });

    function fromInputs() {
      var newLat = readNumber(inputs.latitude);
      var newLng = readNumber(inputs.longitude);
      if (newLat === null || newLng === null || Math.abs(newLat) > 90 || Math.abs(newLng) > 180) return;
      var latlng = L.latLng(newLat, newLng);
      placeMarker(latlng);
      if (!map.getBounds().contains(latlng)) map.panTo(latlng);
    }
    [inputs.latitude, inputs.longitude].forEach(function (input) {
      if (input) input.addEventListener("input", fromInputs);
    });
    [inputs.bearing, inputs.field_of_view].forEach(function (input) {
      if (input) input.addEventListener("input", drawCone);
    });
    element.hsMap = { map: map, marker: function () { return marker; } };
  }

  function init() {
    document.querySelectorAll(".hs-map").forEach(function (element) {
      if (element.hsMap) return;
      var script = document.getElementById(element.dataset.configId);
      if (!script || typeof L === "undefined") return;
      var config = JSON.parse(script.textContent);
      if (config.mode === "center") {
        initCenterMap(element, config);
        element.hsMap = true;
      } else {
        initCameraMap(element, config);
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
