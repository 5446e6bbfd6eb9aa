/*
 * The alert map. Closed networks: the base layer is the center's own tile server
 * (MAP_TILE_URL) if there is one, else vector layers only — center boundaries and the camera
 * layer — so the operator still knows where the point is. On top: the alert's position, its
 * accuracy circle and trail, the trip's destination, and the nearest cameras with view cones.
 */
(function () {
  "use strict";

  var FALLBACK_CENTER = [37.1995, 126.8314]; // Hwaseong city hall
  var CAMERA_LAYER_MIN_ZOOM = 15; // below this the bbox would hold thousands of cameras
  var CONE_METERS = 60;

  // Tooltips get a DOM node, never a string: Leaflet puts strings in as HTML, and these names
  // come from imports and citizens (a trip's destination).
  function textNode(text) {
    return HS.el("span", null, text);
  }

  function viewCone(latlng, bearing, fov) {
    return HSViewCone.viewCone(latlng, bearing, fov, { meters: CONE_METERS, circleMeters: CONE_METERS / 2 });
  }

  function create(element, options) {
    var map = L.map(element, {
      attributionControl: false, minZoom: 7, maxZoom: 19, center: FALLBACK_CENTER, zoom: 11,
    });
    if (HS.config.tileUrl) L.tileLayer(HS.config.tileUrl, { maxZoom: 19 }).addTo(map);
    else element.classList.add("hs-map--no-tiles");
    L.control.scale({ imperial: false }).addTo(map);

    var boundaries = L.geoJSON(null, {
      interactive: false,
      style: function (feature) {
        var own = feature.properties.code === HS.config.user.center;
        return { className: own ? "hs-boundary hs-boundary--own" : "hs-boundary", weight: own ? 3 : 1.5 };
      },
    }).addTo(map);
    HS.api("GET", HS.config.urls.boundaries).then(function (answer) {
      if (answer.ok) boundaries.addData(answer.body);
    });

    var context = HS.places.add(map); // 읍면동, police, 119, child-protection zones (places.js)

    // Every camera in view (small dots), from the GeoJSON endpoint, once zoomed in enough.
    var cameraLayer = L.layerGroup().addTo(map);
    var bboxRequest = 0;
    function loadCameras() {
      if (map.getZoom() < CAMERA_LAYER_MIN_ZOOM) { cameraLayer.clearLayers(); return; }
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (n) { return n.toFixed(6); });
      var request = ++bboxRequest;
      HS.api("GET", HS.config.urls.cameras + "?bbox=" + bbox.join(",")).then(function (answer) {
        if (request !== bboxRequest || !answer.ok) return;
        cameraLayer.clearLayers();
        answer.body.features.forEach(function (feature) {
          var c = feature.geometry.coordinates;
          L.circleMarker([c[1], c[0]], { radius: 3, weight: 1, className: "hs-camera-dot hs-camera-dot--" + feature.properties.status })
            .on("click", function (event) { options.onCameraClick(feature.id, event.latlng); })
            .bindTooltip(function () {
              var p = feature.properties;
              return textNode(p.management_number || p.address || HS.format(HS.label("camera.unnamed"), { id: feature.id }));
            })
            .addTo(cameraLayer);
        });
      });
    }
    map.on("moveend", loadCameras);

    var alertLayer = L.layerGroup().addTo(map);
    var nearestLayer = L.layerGroup().addTo(map);
    var shownAlertId = null;

    function showAlert(detail) {
      var alert = detail.alert;
      alertLayer.clearLayers();
      var trail = (detail.trail || []).map(function (fix) { return [fix.latitude, fix.longitude]; });
      if (trail.length > 1) L.polyline(trail, { className: "hs-trail", weight: 3 }).addTo(alertLayer);
      var trip = alert.trip;
      if (trip && trip.destination) {
        L.circleMarker([trip.destination.latitude, trip.destination.longitude], { radius: 7, className: "hs-destination" })
          .bindTooltip(function () { return textNode(trip.destination_name || HS.label("destination")); }).addTo(alertLayer);
      }
      if (alert.latitude === null || alert.latitude === undefined) {
        // No position: say so on the map, and never leave the previous alert's area on screen.
        nearestLayer.clearLayers();
        showNote(HS.label("noLocation"));
        if (shownAlertId !== alert.id) frameCenter(alert.center && alert.center.code);
        shownAlertId = alert.id;
        return;
      }
      showNote("");
      var here = L.latLng(alert.latitude, alert.longitude);
      if (alert.accuracy) {
        L.circle(here, { radius: alert.accuracy, className: "hs-accuracy-circle", weight: 1, interactive: false })
          .addTo(alertLayer);
      }
      var icon = L.divIcon({
        className: "hs-alert-marker" + (alert.is_duress ? " hs-alert-marker--duress" : ""),
        html: "<span></span>", iconSize: [22, 22],
      });
      L.marker(here, { icon: icon, keyboard: false, zIndexOffset: 1000 }).addTo(alertLayer);
      // Re-centre only for a newly shown alert: a moving position must not fight the operator's pan.
      if (shownAlertId !== alert.id) frame(here, alert.accuracy, detail.cameras || []);
      else if (!map.getBounds().contains(here)) map.panTo(here);
      shownAlertId = alert.id;
    }

    var note = L.control({ position: "topright" });
    note.onAdd = function () { var box = L.DomUtil.create("div", "hs-map-note"); box.hidden = true; return box; };
    note.addTo(map);
    function showNote(text) {
      var box = note.getContainer();
      box.textContent = text;
      box.hidden = !text;
    }

    // An alert without a position: its center's whole area (or the default view), not a spot.
    function frameCenter(code) {
      var area = null;
      boundaries.eachLayer(function (layer) {
        if (layer.feature && layer.feature.properties.code === code) area = layer.getBounds();
      });
      if (area) map.fitBounds(area, { padding: [10, 10] });
      else map.setView(FALLBACK_CENTER, 11);
    }

    // A newly opened alert: its position, accuracy and the nearest cameras all in view.
    function frame(here, accuracy, cameras) {
      var bounds = here.toBounds(Math.max(2 * (accuracy || 0), 120));
      cameras.slice(0, HS.config.wallTiles).forEach(function (c) { bounds.extend([c.latitude, c.longitude]); });
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 18 });
    }

    // The nearest cameras: a numbered marker per pole (the numbers of the list and the wall, "2·3"
    // for cameras sharing one), each camera's view cone, brighter when the alert's position is
    // likely in its picture. A pole clicked puts all its cameras on the wall.
    function showCameras(cameras, onWall) {
      nearestLayer.clearLayers();
      var poles = new Map();
      cameras.forEach(function (camera, index) {
        var at = L.latLng(camera.latitude, camera.longitude);
        var angle = camera.view_angle !== undefined ? camera.view_angle : camera.field_of_view;
        var cone = viewCone(at, camera.bearing, angle);
        if (cone) {
          if (camera.in_view === true) cone.options.className += " hs-view-cone--sees";
          cone.addTo(nearestLayer);
        }
        var key = camera.pole !== undefined && camera.pole !== null ? camera.pole : camera.id;
        if (!poles.has(key)) poles.set(key, { at: at, members: [] });
        poles.get(key).members.push({ camera: camera, n: index + 1 });
      });
      poles.forEach(function (pole) {
        var first = pole.members[0].camera;
        var shown = pole.members.some(function (m) { return onWall(m.camera.id); });
        var sees = pole.members.some(function (m) { return m.camera.in_view === true; });
        var numbers = pole.members.map(function (m) { return m.n; }).join("·");
        var icon = L.divIcon({
          className: "hs-camera-marker hs-camera-marker--" + first.status + (shown ? " hs-camera-marker--on-wall" : "") +
            (pole.members.length > 1 ? " hs-camera-marker--pole" : "") + (sees ? " hs-camera-marker--sees" : ""),
          html: HS.el("span", null, numbers),
          iconSize: [Math.max(22, 8 + 8 * numbers.length), 22],
        });
        L.marker(pole.at, { icon: icon, title: pole.members.map(function (m) { return m.n + " " + HS.cameras.name(m.camera); }).join("\n") })
          .on("click", function () {
            pole.members.slice().reverse().forEach(function (m) { options.onCameraClick(m.camera.id, pole.at); });
          })
          .addTo(nearestLayer);
      });
    }

    function clear() {
      alertLayer.clearLayers();
      nearestLayer.clearLayers();
      showNote("");
      shownAlertId = null;
    }

    setTimeout(function () { map.invalidateSize(); }, 0);
    return { map: map, showAlert: showAlert, showCameras: showCameras, clear: clear, context: context };
  }

  HS.map = { create: create };
})();
