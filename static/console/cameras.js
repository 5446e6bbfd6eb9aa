/*
 * How the console says what a camera is, the same on the map, in the list and on the wall
 * (issue 15, point 7): its readable name (the server's `name`), where it stands from the alert
 * (an arrow and a compass word from `bearing_deg`), where it looks, whether the alert's position
 * is likely in its picture (`in_view`), and which cameras share a pole (`pole`, `pole_size`).
 * Everything is built as DOM nodes with text (never HTML: the names come from imports).
 */
(function () {
  "use strict";

  var COMPASS = ["n", "ne", "e", "se", "s", "sw", "w", "nw"];

  function name(camera) {
    return camera.name || camera.management_number || camera.address ||
      HS.format(HS.label("camera.unnamed"), { id: camera.id });
  }

  function compass(degrees) {
    return HS.label("camera.compass." + COMPASS[Math.round(((degrees % 360) + 360) % 360 / 45) % 8]);
  }

  // An arrow turned to `degrees` (clockwise from north), with its meaning as text beside it.
  function arrow(degrees, className) {
    var node = HS.el("span", "hs-arrow" + (className ? " " + className : ""), "↑");
    node.style.transform = "rotate(" + Math.round(degrees) + "deg)"; // CSSOM: allowed by the policy
    node.setAttribute("aria-hidden", "true");
    return node;
  }

  // "↗ 북동 40 m": where the camera stands, seen from the alert.
  function where(camera) {
    var box = HS.el("span", "hs-cam-where");
    if (camera.bearing_deg !== null && camera.bearing_deg !== undefined) {
      box.append(arrow(camera.bearing_deg), HS.el("span", null, compass(camera.bearing_deg) + " "));
    }
    if (camera.distance_m !== null && camera.distance_m !== undefined) box.append(HS.meters(camera.distance_m));
    return box;
  }

  // "남쪽을 봄" with an arrow, or "360°", or nothing when the direction is unknown.
  function facing(camera) {
    if (camera.view_angle >= 360 || camera.field_of_view >= 360) {
      return HS.el("span", "hs-cam-facing", HS.label("camera.allAround"));
    }
    if (camera.bearing === null || camera.bearing === undefined) return null;
    var box = HS.el("span", "hs-cam-facing");
    box.append(arrow(camera.bearing, "hs-arrow--facing"),
               HS.el("span", null, HS.format(HS.label("camera.faces"), { dir: compass(camera.bearing) })));
    return box;
  }

  // Whether the alert's position is likely in the picture: yes, no, or unknown direction.
  function view(camera) {
    var key = camera.in_view === true ? "yes" : camera.in_view === false ? "no" : "unknown";
    var chip = HS.el("span", "hs-cam-view hs-cam-view--" + key, HS.label("camera.inView." + key));
    chip.dataset.inView = key;
    return chip;
  }

  // The cameras in the server's order (nearest first), each pole's cameras kept together where
  // its nearest one stands, so the numbers on the map, the list and the wall are the same.
  function byPole(cameras) {
    var groups = new Map();
    cameras.forEach(function (camera) {
      var key = camera.pole !== undefined && camera.pole !== null ? camera.pole : camera.id;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(camera);
    });
    var ordered = [];
    groups.forEach(function (members) { ordered.push.apply(ordered, members); });
    return ordered;
  }

  HS.cameras = { name: name, compass: compass, arrow: arrow, where: where, facing: facing, view: view, byPole: byPole };
})();
