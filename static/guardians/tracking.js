/*
 * The guardian's tracking page: draws the position on a Leaflet map (vendored; vector layers, plus
 * the center's own tiles when MAP_TILE_URL is set — never an outside host) and asks
 * position.json every few seconds, moving the marker and the "last position n min ago" line.
 * Plain fetch polling: a guardian's phone on a flaky network needs nothing more than this.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("tracking-config").textContent);
  var labels = JSON.parse(document.getElementById("tracking-labels").textContent);
  var element = document.getElementById("map");
  var card = document.getElementById("tracking");
  var STALE_MINUTES = 5;
  var FALLBACK_CENTER = [37.1995, 126.8314]; // Hwaseong city hall
  var pollMs = 1000 * (Number(element.dataset.pollSeconds) || config.pollSeconds || 10);

  var map = L.map(element, { attributionControl: false, minZoom: 7, maxZoom: 19, center: FALLBACK_CENTER, zoom: 13 });
  if (config.tileUrl) L.tileLayer(config.tileUrl, { maxZoom: 19 }).addTo(map);
  else element.classList.add("tracking-map--no-tiles");
  L.control.scale({ imperial: false }).addTo(map);

  var trailLine = L.polyline([], { className: "hs-trail", weight: 4, interactive: false }).addTo(map);
  var accuracyCircle = null;
  var marker = null;
  var destination = null;
  var framed = false;
  var age = { seconds: null, at: 0 }; // the server's age of the position, and when we learnt it
  var timer = null;

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  var timeFormat = new Intl.DateTimeFormat("sv-SE", {
    timeZone: "Asia/Seoul", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
  });

  function showAge() {
    var line = document.getElementById("age");
    if (age.seconds === null) return;
    var minutes = Math.floor((age.seconds + (Date.now() - age.at) / 1000) / 60);
    line.textContent = minutes < 1 ? labels.justNow : format(labels.minutesAgo, { minutes: minutes });
    line.classList.toggle("age--stale", minutes >= STALE_MINUTES);
  }

  function show(data) {
    document.getElementById("status").textContent = data.status_text;
    card.classList.toggle("tracking--ended", data.ended);
    if (data.destination && !destination) {
      destination = L.circleMarker([data.destination.latitude, data.destination.longitude],
        { radius: 9, weight: 3, className: "hs-destination" }).addTo(map);
      // Always labelled: a phone has no hover.
      // A node, not a string: Leaflet parses a string as HTML, and the citizen typed this name.
      var name = document.createElement("span");
      name.textContent = data.destination.name || labels.destination;
      destination.bindTooltip(name, { permanent: true, direction: "top", offset: [0, -8] });
    }
    var trail = data.trail.slice();
    var p = data.position;
    if (!p) return;
    if (data.address) document.getElementById("address").textContent = data.address;
    var here = L.latLng(p.latitude, p.longitude);
    trail.push([p.latitude, p.longitude]);
    trailLine.setLatLngs(trail);
    if (accuracyCircle) map.removeLayer(accuracyCircle);
    accuracyCircle = p.accuracy ? L.circle(here, { radius: p.accuracy, className: "hs-accuracy-circle", weight: 1, interactive: false }).addTo(map) : null;
    if (marker) marker.setLatLng(here);
    else {
      var icon = L.divIcon({ className: "hs-person-marker", html: "<span></span>", iconSize: [24, 24] });
      marker = L.marker(here, { icon: icon, title: labels.here, alt: labels.here, keyboard: false, zIndexOffset: 1000 }).addTo(map);
    }
    age = { seconds: p.age_seconds, at: Date.now() };
    showAge();
    document.getElementById("position").textContent = format(labels.latLng, { lat: p.latitude.toFixed(5), lng: p.longitude.toFixed(5) });
    var time = document.getElementById("position-time");
    time.textContent = timeFormat.format(new Date(p.recorded_at));
    time.hidden = false;
    if (time.previousElementSibling) time.previousElementSibling.hidden = false;
    // Frame once (the person, the accuracy and the destination); later only follow a marker that
    // leaves the view, so a guardian's own pan and zoom are not undone every few seconds.
    if (!framed) {
      var bounds = here.toBounds(Math.max(2 * (p.accuracy || 0), 200));
      if (destination && here.distanceTo(destination.getLatLng()) < 20000) bounds.extend(destination.getLatLng());
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17, animate: false });
      framed = true;
    } else if (!map.getBounds().contains(here)) {
      map.panTo(here);
    }
  }

  function poll() {
    fetch(config.positionUrl, { cache: "no-store", credentials: "omit", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 404) throw new Error("gone");
        if (!response.ok) throw new Error("http " + response.status);
        return response.json();
      })
      .then(function (data) { show(data); timer = setTimeout(poll, pollMs); })
      .catch(function (error) {
        var line = document.getElementById("age");
        if (error.message === "gone") { // expired or revoked: stop asking
          line.textContent = labels.gone;
          line.classList.add("age--gone");
          document.getElementById("refresh-note").hidden = true;
          return;
        }
        line.textContent = labels.offline;
        timer = setTimeout(poll, pollMs);
      });
  }

  show(config.initial);
  setInterval(showAge, 15000);
  timer = setTimeout(poll, pollMs);
  element.hsTracking = { map: map, marker: function () { return marker; } };
})();
