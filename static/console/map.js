// @ts-check
/*
 * The alert map. Closed networks: the base layer is the center's own tile server
 * (MAP_TILE_URL) if there is one, else vector layers only — center boundaries and the camera
 * layer — so the operator still knows where the point is. On top: the alert's position, its
 * accuracy circle and trail, the trip's destination, and the nearest cameras with view cones.
 */
import * as cameraText from "./cameras.js";
import { config, format, label } from "./config.js";
import { addPlaces } from "./places.js";
import { api, el } from "./util.js";

/** Leaflet and the shared view-cone helper: classic scripts (static/vendor, static/js). */
const L = /** @type {any} */ (window).L;
const HSViewCone = /** @type {any} */ (window).HSViewCone;

/** @typedef {import("./cameras.js").Camera} Camera */
/** @typedef {import("./store.js").Detail} Detail */

const FALLBACK_CENTER = [37.1995, 126.8314]; // Hwaseong city hall
const CAMERA_LAYER_MIN_ZOOM = 15; // below this the bbox would hold thousands of cameras
const CONE_METERS = 60;

/**
 * Tooltips get a DOM node, never a string: Leaflet puts strings in as HTML, and these names
 * come from imports and citizens (a trip's destination).
 * @param {string} text
 */
function textNode(text) {
  return el("span", null, text);
}

/**
 * @param {any} latlng
 * @param {number | null | undefined} bearing
 * @param {number | undefined} fov
 */
function viewCone(latlng, bearing, fov) {
  return HSViewCone.viewCone(latlng, bearing, fov, { meters: CONE_METERS, circleMeters: CONE_METERS / 2 });
}

/**
 * @param {HTMLElement} element
 * @param {{onCameraClick: (id: number, latlng: any) => void}} options
 */
export function createMap(element, options) {
  const map = L.map(element, {
    attributionControl: false, minZoom: 7, maxZoom: 19, center: FALLBACK_CENTER, zoom: 11,
  });
  if (config.tileUrl) L.tileLayer(config.tileUrl, { maxZoom: 19 }).addTo(map);
  else element.classList.add("hs-map--no-tiles");
  L.control.scale({ imperial: false }).addTo(map);

  const boundaries = L.geoJSON(null, {
    interactive: false,
    style: (/** @type {any} */ feature) => {
      const own = feature.properties.code === config.user.center;
      return { className: own ? "hs-boundary hs-boundary--own" : "hs-boundary", weight: own ? 3 : 1.5 };
    },
  }).addTo(map);
  api("GET", config.urls.boundaries).then((answer) => {
    if (answer.ok) boundaries.addData(answer.body);
  });

  const context = addPlaces(map); // 읍면동, police, 119, child-protection zones (places.js)

  // Every camera in view (small dots), from the GeoJSON endpoint, once zoomed in enough.
  const cameraLayer = L.layerGroup().addTo(map);
  let bboxRequest = 0;
  function loadCameras() {
    if (map.getZoom() < CAMERA_LAYER_MIN_ZOOM) { cameraLayer.clearLayers(); return; }
    const b = map.getBounds();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((n) => n.toFixed(6));
    const request = ++bboxRequest;
    api("GET", config.urls.cameras + "?bbox=" + bbox.join(",")).then((answer) => {
      if (request !== bboxRequest || !answer.ok) return;
      cameraLayer.clearLayers();
      answer.body.features.forEach((/** @type {any} */ feature) => {
        const c = feature.geometry.coordinates;
        L.circleMarker([c[1], c[0]], { radius: 3, weight: 1, className: "hs-camera-dot hs-camera-dot--" + feature.properties.status })
          .on("click", (/** @type {any} */ event) => { options.onCameraClick(feature.id, event.latlng); })
          .bindTooltip(() => {
            const p = feature.properties;
            return textNode(p.management_number || p.address || format(label("camera.unnamed"), { id: feature.id }));
          })
          .addTo(cameraLayer);
      });
    });
  }
  map.on("moveend", loadCameras);

  const alertLayer = L.layerGroup().addTo(map);
  const nearestLayer = L.layerGroup().addTo(map);
  /** @type {number | null} */
  let shownAlertId = null;

  /** @param {Detail} detail */
  function showAlert(detail) {
    const alert = detail.alert;
    alertLayer.clearLayers();
    const trail = (detail.trail || []).map((fix) => [fix.latitude, fix.longitude]);
    if (trail.length > 1) L.polyline(trail, { className: "hs-trail", weight: 3 }).addTo(alertLayer);
    const trip = alert.trip;
    if (trip && trip.destination) {
      L.circleMarker([trip.destination.latitude, trip.destination.longitude], { radius: 7, className: "hs-destination" })
        .bindTooltip(() => textNode(trip.destination_name || label("destination"))).addTo(alertLayer);
    }
    if (alert.latitude === null || alert.latitude === undefined) {
      // No position: say so on the map, and never leave the previous alert's area on screen.
      nearestLayer.clearLayers();
      showNote(label("noLocation"));
      if (shownAlertId !== alert.id) frameCenter(alert.center && alert.center.code);
      shownAlertId = alert.id;
      return;
    }
    showNote("");
    const here = L.latLng(alert.latitude, alert.longitude);
    if (alert.accuracy) {
      L.circle(here, { radius: alert.accuracy, className: "hs-accuracy-circle", weight: 1, interactive: false })
        .addTo(alertLayer);
    }
    const icon = L.divIcon({
      className: "hs-alert-marker" + (alert.is_duress ? " hs-alert-marker--duress" : ""),
      html: "<span></span>", iconSize: [22, 22],
    });
    L.marker(here, { icon, keyboard: false, zIndexOffset: 1000 }).addTo(alertLayer);
    // Re-centre only for a newly shown alert: a moving position must not fight the operator's pan.
    if (shownAlertId !== alert.id) frame(here, alert.accuracy, detail.cameras || []);
    else if (!map.getBounds().contains(here)) map.panTo(here);
    shownAlertId = alert.id;
  }

  const note = L.control({ position: "topright" });
  note.onAdd = () => { const box = L.DomUtil.create("div", "hs-map-note"); box.hidden = true; return box; };
  note.addTo(map);
  /** @param {string} text */
  function showNote(text) {
    const box = note.getContainer();
    box.textContent = text;
    box.hidden = !text;
  }

  /**
   * An alert without a position: its center's whole area (or the default view), not a spot.
   * @param {string | null} code
   */
  function frameCenter(code) {
    let area = null;
    boundaries.eachLayer((/** @type {any} */ layer) => {
      if (layer.feature && layer.feature.properties.code === code) area = layer.getBounds();
    });
    if (area) map.fitBounds(area, { padding: [10, 10] });
    else map.setView(FALLBACK_CENTER, 11);
  }

  /**
   * A newly opened alert: its position, accuracy and the nearest cameras all in view.
   * @param {any} here
   * @param {number | null} accuracy
   * @param {Camera[]} cameras
   */
  function frame(here, accuracy, cameras) {
    const bounds = here.toBounds(Math.max(2 * (accuracy || 0), 120));
    cameras.slice(0, config.wallTiles).forEach((c) => { bounds.extend([c.latitude, c.longitude]); });
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 18 });
  }

  /**
   * The nearest cameras: a numbered marker per pole (the numbers of the list and the wall, "2·3"
   * for cameras sharing one), each camera's view cone, brighter when the alert's position is
   * likely in its picture. A pole clicked puts all its cameras on the wall.
   * @param {Camera[]} cameras
   * @param {(id: number) => boolean} onWall
   */
  function showCameras(cameras, onWall) {
    nearestLayer.clearLayers();
    /** @type {Map<number, {at: any, members: {camera: Camera, n: number}[]}>} */
    const poles = new Map();
    cameras.forEach((camera, index) => {
      const at = L.latLng(camera.latitude, camera.longitude);
      const angle = camera.view_angle !== undefined ? camera.view_angle : camera.field_of_view;
      const cone = viewCone(at, camera.bearing, angle);
      if (cone) {
        if (camera.in_view === true) cone.options.className += " hs-view-cone--sees";
        cone.addTo(nearestLayer);
      }
      const key = camera.pole !== undefined && camera.pole !== null ? camera.pole : camera.id;
      const pole = poles.get(key) || { at, members: [] };
      pole.members.push({ camera, n: index + 1 });
      poles.set(key, pole);
    });
    poles.forEach((pole) => {
      const first = pole.members[0].camera;
      const shown = pole.members.some((m) => onWall(m.camera.id));
      const sees = pole.members.some((m) => m.camera.in_view === true);
      const numbers = pole.members.map((m) => m.n).join("·");
      const icon = L.divIcon({
        className: "hs-camera-marker hs-camera-marker--" + first.status + (shown ? " hs-camera-marker--on-wall" : "") +
          (pole.members.length > 1 ? " hs-camera-marker--pole" : "") + (sees ? " hs-camera-marker--sees" : ""),
        html: el("span", null, numbers),
        iconSize: [Math.max(22, 8 + 8 * numbers.length), 22],
      });
      L.marker(pole.at, { icon, title: pole.members.map((m) => m.n + " " + cameraText.name(m.camera)).join("\n") })
        .on("click", () => {
          pole.members.slice().reverse().forEach((m) => { options.onCameraClick(m.camera.id, pole.at); });
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

  setTimeout(() => { map.invalidateSize(); }, 0);
  return { map, showAlert, showCameras, clear, context };
}
