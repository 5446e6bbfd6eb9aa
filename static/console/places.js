/*
 * The map's offline context layers (docs/places.md): 읍면동 boundaries with their names, police
 * stations, 119 safety centers and child-protection zones, from the staff-only bbox GeoJSON
 * endpoints, below the alert and the cameras. Every name comes from public files imported by
 * staff, and still reaches the page only as text (DOM nodes, never HTML strings).
 */
(function () {
  "use strict";

  var AREAS_MIN_ZOOM = 10;
  var FACILITIES_MIN_ZOOM = 13; // below this a box holds thousands of child-protection zones
  var CHILD_ZONE_METERS = 300;   // 어린이보호구역: up to 300 m around the facility's entrance
  var KINDS = ["police", "fire", "child_zone"];

  function textNode(className, value) {
    var node = document.createElement("span");
    node.className = className;
    node.textContent = value;
    return node;
  }

  function tooltipNode(props) {
    var box = document.createElement("div");
    box.append(textNode("hs-place-tip__name", props.name));
    [props.detail, props.address, props.phone].forEach(function (line) {
      if (line) { box.append(document.createElement("br"), textNode("hs-place-tip__line", line)); }
    });
    return box;
  }

  function add(map) {
    map.createPane("hs-context").style.zIndex = 350; // under the alert, the trail and the cameras
    var pane = { pane: "hs-context" };
    var areas = L.layerGroup().addTo(map);
    var facilities = {};
    KINDS.forEach(function (kind) { facilities[kind] = L.layerGroup().addTo(map); });
    var overlays = {};
    overlays[HS.label("layers.areas")] = areas;
    KINDS.forEach(function (kind) { overlays[HS.label("layers." + kind)] = facilities[kind]; });
    L.control.layers(null, overlays, { collapsed: true, position: "topleft" }).addTo(map);

    var request = 0;
    function bbox() {
      var b = map.getBounds();
      return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (n) { return n.toFixed(4); }).join(",");
    }

    function drawAreas(body) {
      areas.clearLayers();
      body.features.forEach(function (feature) {
        L.geoJSON(feature, Object.assign({ interactive: false, style: { className: "hs-area", weight: 1.5 } }, pane))
          .addTo(areas);
        var at = feature.properties.label;
        var name = textNode("hs-place-label", feature.properties.name);
        var icon = L.divIcon({ className: "hs-place-label-icon", html: name, iconSize: null });
        L.marker([at[1], at[0]], Object.assign({ icon: icon, interactive: false, keyboard: false }, pane)).addTo(areas);
      });
    }

    function drawFacilities(body) {
      KINDS.forEach(function (kind) { facilities[kind].clearLayers(); });
      body.features.forEach(function (feature) {
        var props = feature.properties, c = feature.geometry.coordinates, at = [c[1], c[0]];
        var group = facilities[props.kind];
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
      var mine = ++request, zoom = map.getZoom(), box = bbox();
      if (zoom < AREAS_MIN_ZOOM) areas.clearLayers();
      else {
        HS.api("GET", HS.config.urls.areas + "?bbox=" + box).then(function (answer) {
          if (mine === request && answer.ok) drawAreas(answer.body);
        });
      }
      if (zoom < FACILITIES_MIN_ZOOM) KINDS.forEach(function (kind) { facilities[kind].clearLayers(); });
      else {
        HS.api("GET", HS.config.urls.facilities + "?bbox=" + box).then(function (answer) {
          if (mine === request && answer.ok) drawFacilities(answer.body);
        });
      }
    }
    map.on("moveend", load);
    load();
    return { areas: areas, facilities: facilities };
  }

  HS.places = { add: add };
})();
