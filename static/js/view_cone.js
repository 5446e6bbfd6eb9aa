/*
 * A camera's field of view on a Leaflet map, drawn the same way in the admin and the console:
 * a wedge along the camera's bearing, a circle for a 360° camera, nothing when the direction is
 * unknown (a wrong cone on the map is worse than none).
 */
(function () {
  "use strict";

  var EARTH_RADIUS = 6371008.8;
  var DEFAULT_FOV = 90; // when only a bearing is known: as cameras/directions.py and CAMERA_FIELD_OF_VIEW_DEGREES

  // Point `meters` away from latlng along `bearing` (degrees clockwise from north); a local
  // equirectangular step is exact enough at tens of metres.
  function offset(latlng, bearing, meters) {
    var rad = (bearing * Math.PI) / 180;
    var dLat = (meters * Math.cos(rad)) / EARTH_RADIUS;
    var dLng = (meters * Math.sin(rad)) / (EARTH_RADIUS * Math.cos((latlng.lat * Math.PI) / 180));
    return L.latLng(latlng.lat + (dLat * 180) / Math.PI, latlng.lng + (dLng * 180) / Math.PI);
  }

  // options.meters: the wedge's length; options.circleMeters: the 360° circle's radius.
  function viewCone(latlng, bearing, fov, options) {
    var style = { className: "hs-view-cone", interactive: false, weight: 1 };
    var hasFov = fov !== null && fov !== undefined;
    if (hasFov && fov >= 360) {
      return L.circle(latlng, Object.assign({ radius: options.circleMeters || options.meters }, style));
    }
    if (bearing === null || bearing === undefined) return null;
    var width = !hasFov || fov <= 0 ? DEFAULT_FOV : fov;
    var points = [latlng];
    var steps = Math.max(4, Math.ceil(width / 5));
    for (var i = 0; i <= steps; i++) {
      points.push(offset(latlng, bearing - width / 2 + (width * i) / steps, options.meters));
    }
    return L.polygon(points, style);
  }

  window.HSViewCone = { offset: offset, viewCone: viewCone };
})();
