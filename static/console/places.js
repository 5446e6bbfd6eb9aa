// @ts-check
/*
 * The map's offline context layers (docs/places.md): 읍면동 boundaries with their names, police
 * stations, 119 safety centers and child-protection zones, from the staff-only bbox GeoJSON
 * endpoints, below the alert and the cameras. Every name comes from public files imported by
 * staff, and still reaches the page only as text (DOM nodes, never HTML strings).
 */
import { config, label } from "./config.js";
import { api } from "./util.js";

/** Leaflet, the vendored classic script (static/vendor/leaflet). */
const L = /** @type {any} */ (window).L;

const AREAS_MIN_ZOOM = 10;
const FACILITIES_MIN_ZOOM = 13; // below this a box holds thousands of child-protection zones
const CHILD_ZONE_METERS = 300;   // 어린이보호구역: up to 300 m around the facility's entrance
const KINDS = ["police", "fire", "child_zone"];

/**
 * @param {string} className
 * @param {string} value
 */
function textNode(className, value) {
  const node = document.createElement("span");
  node.className = className;
  node.textContent = value;
  return node;
}

/** @param {{name: string, detail?: string, address?: string, phone?: string}} props */
function tooltipNode(props) {
  const box = document.createElement("div");
  box.append(textNode("hs-place-tip__name", props.name));
  [props.detail, props.address, props.phone].forEach((line) => {
    if (line) { box.append(document.createElement("br"), textNode("hs-place-tip__line", line)); }
  });
  return box;
}

/**
 * Add the context layers (and their layer switch) to a Leaflet map.
 * @param {any} map
 */
export function addPlaces(map) {
  map.createPane("hs-context").style.zIndex = 350; // under the alert, the trail and the cameras
  const pane = { pane: "hs-context" };
  const areas = L.layerGroup().addTo(map);
  /** @type {Record<string, any>} */
  const facilities = {};
  KINDS.forEach((kind) => { facilities[kind] = L.layerGroup().addTo(map); });
  /** @type {Record<string, any>} */
  const overlays = {};
  overlays[label("layers.areas")] = areas;
  KINDS.forEach((kind) => { overlays[label("layers." + kind)] = facilities[kind]; });
  L.control.layers(null, overlays, { collapsed: true, position: "topleft" }).addTo(map);

  let request = 0;
  function bbox() {
    const b = map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((n) => n.toFixed(4)).join(",");
  }

  /** @param {any} body */
  function drawAreas(body) {
    areas.clearLayers();
    body.features.forEach((/** @type {any} */ feature) => {
      L.geoJSON(feature, Object.assign({ interactive: false, style: { className: "hs-area", weight: 1.5 } }, pane))
        .addTo(areas);
      const at = feature.properties.label;
      const name = textNode("hs-place-label", feature.properties.name);
      const icon = L.divIcon({ className: "hs-place-label-icon", html: name, iconSize: null });
      L.marker([at[1], at[0]], Object.assign({ icon, interactive: false, keyboard: false }, pane)).addTo(areas);
    });
  }

  /** @param {any} body */
  function drawFacilities(body) {
    KINDS.forEach((kind) => { facilities[kind].clearLayers(); });
    body.features.forEach((/** @type {any} */ feature) => {
      const props = feature.properties, c = feature.geometry.coordinates, at = [c[1], c[0]];
      const group = facilities[props.kind];
      if (!group) return;
      if (props.kind === "child_zone") {
        L.circle(at, Object.assign({ radius: CHILD_ZONE_METERS, className: "hs-child-zone", weight: 1, interactive: false }, pane))
          .addTo(group);
      }
      L.circleMarker(at, Object.assign({ radius: 5, weight: 1, className: "hs-facility hs-facility--" + props.kind }, pane))
        .bindTooltip(tooltipNode(props)).addTo(group);
    });
  }

  function load() {
    const mine = ++request, zoom = map.getZoom(), box = bbox();
    if (zoom < AREAS_MIN_ZOOM) areas.clearLayers();
    else {
      api("GET", config.urls.areas + "?bbox=" + box).then((answer) => {
        if (mine === request && answer.ok) drawAreas(answer.body);
      });
    }
    if (zoom < FACILITIES_MIN_ZOOM) KINDS.forEach((kind) => { facilities[kind].clearLayers(); });
    else {
      api("GET", config.urls.facilities + "?bbox=" + box).then((answer) => {
        if (mine === request && answer.ok) drawFacilities(answer.body);
      });
    }
  }
  map.on("moveend", load);
  load();
  return { areas, facilities };
}
