/*
 * The operator console: wires the queue, map, video wall and detail panel to the websocket and
 * the console API (docs/console-protocol.md). The queue is replaced by each `snapshot` (sent on
 * every (re)connect) and updated by pushes; the selected alert's detail is re-read over HTTP.
 * A new alert is opened by itself when the operator has none open, cameras and all.
 */
(function () {
  "use strict";

  var POLL_OFFLINE_MS = 10000; // while the socket is away, the queue is polled over HTTP
  var WATCH_KEY = "hs-console-watch";

  var selectedId = null;
  var detail = null;
  var cameras = [];        // nearest cameras of the selected alert
  var manualWall = false;  // the operator put a camera on the wall: stop following the nearest
  var refreshTimer = null;

  var queue = HS.queue.create({ onSelect: select });
  var wall = HS.wall.create(document.getElementById("wall"));
  var map = HS.map.create(document.getElementById("map"), { onCameraClick: cameraClicked });
  var detailPanel = document.getElementById("detail");
  HS.detail.bindActions(document.getElementById("actions"), function () { return selectedId; }, actionDone);
  // Typed text belongs to its alert (issue 15, point 3); alerts that leave the queue say so (point 4).
  var drafts = HS.drafts.create(document.getElementById("actions"));
  var notices = HS.notices.create(document.getElementById("notices"));

  function onWall(id) { return wall.has(id); }

  function drawCameras() {
    map.showCameras(cameras, onWall);
    var noLocation = !!detail && (detail.alert.latitude === null || detail.alert.latitude === undefined);
    HS.detail.renderCameraList(document.getElementById("camera-list"), cameras,
                               { onWall: onWall, onPick: putOnWall, noLocation: noLocation });
  }

  function putOnWall(camera) {
    manualWall = true;
    wall.put(camera);
    drawCameras();
  }

  function select(id) {
    if (id !== selectedId) { manualWall = false; detail = null; }
    selectedId = id;
    drafts.attach(id); // what is typed from now on is for this alert, even before its detail loads
    HS.selectedAlertId = id; // the wall names it when it records a camera feed opened for it
    queue.select(id);
    load();
  }

  function load() {
    var id = selectedId;
    if (!id) return;
    HS.api("GET", "alerts/" + id + "/").then(function (answer) {
      if (id !== selectedId) return;
      if (!answer.ok) { if (answer.status === 404) goneAway(id, null); return; }
      show(answer.body);
    });
  }

  // Re-read the open alert at most every 500 ms however many pushes come (a walking position).
  function refreshSoon() {
    if (refreshTimer) return;
    refreshTimer = setTimeout(function () { refreshTimer = null; load(); }, 500);
  }

  function show(body) {
    detail = body;
    var alert = body.alert;
    drafts.attach(alert.id); // the forms now show this alert's drafts, and post to it
    detailPanel.hidden = false;
    document.body.classList.toggle("hs-open-duress", !!alert.is_duress);
    var title = document.getElementById("alert-title");
    title.textContent = (alert.is_duress ? HS.label("kind.duress") : HS.label("kind." + alert.kind)) +
      " #" + alert.id + " · " + HS.label("status." + alert.status);
    title.className = "hs-alert-title" + (alert.is_duress ? " hs-alert-title--duress" : "");
    document.getElementById("alert-address").textContent = alert.latitude === null || alert.latitude === undefined
      ? HS.label("noLocation") : alert.address || "";
    map.showAlert(body);
    cameras = HS.cameras.byPole(body.cameras || []); // a pole's cameras together, same numbers everywhere
    if (!manualWall) wall.show(cameras);
    drawCameras();
    HS.detail.renderPerson(document.getElementById("person"), body);
    HS.detail.renderTimeline(document.getElementById("timeline"), body.timeline);
    HS.dispatch.show(body, actionDone); // requests to 112/119 and their "phone it now" alarm
    var finished = alert.status === "closed" || alert.status === "cancelled";
    var actions = document.getElementById("actions");
    actions.classList.toggle("hs-actions--finished", finished);
    // Buttons that would change nothing are off; the server still decides (409 on a race).
    var mine = alert.claimed_by && alert.claimed_by.id === HS.config.user.id;
    actions.querySelector("[data-action=claim]").disabled = finished || !!mine;
    actions.querySelector("[data-action=acknowledge]").disabled =
      finished || alert.status === "acknowledged" || alert.status === "dispatched";
  }

  function deselect() {
    drafts.attach(null);
    selectedId = null;
    HS.selectedAlertId = null;
    detail = null;
    detailPanel.hidden = true;
    document.getElementById("alert-title").textContent = "";
    HS.dispatch.clear();
    document.getElementById("alert-address").textContent = "";
    map.clear();
    wall.clear();
    cameras = [];
    drawCameras();
    queue.select(null);
    openNext();
  }

  // Nothing open (or only a finished alert still on screen): open the most urgent waiting alert
  // by itself, so its cameras are already up. An open alert the operator is on is never swapped.
  function openNext() {
    if (selectedId && queue.get(selectedId)) return;
    // A finished alert with text typed for it and not sent stays on screen: the operator was told
    // (a notice) and decides; the text never moves to another alert.
    if (selectedId && drafts.texts(selectedId).length) return;
    var next = queue.first();
    if (next) select(next.id);
  }

  // `action` and `id` come from the action forms (detail.js); other callers (dispatch.js) give
  // the answer only, for the alert on screen.
  function actionDone(body, action, id) {
    if (id === undefined) id = body.alert ? body.alert.id : selectedId;
    if (action) {
      drafts.sent(id, action);
      if (!drafts.texts(id).length) notices.released(id);
    }
    if (body.alert) queue.upsert(body.alert, false);
    if (action === "close" && body.alert) notices.closedByMe(body.alert);
    if (id === selectedId) load();
  }

  // `alert` (as last known) left the queue: closed or cancelled, moved to another center, or gone
  // while the socket was away. Say so, and keep what was typed for it where the operator sees it.
  // `moved`: the alert.moved message when it went to another center; no event and no move: it
  // vanished from a snapshot (closed or moved while the socket was away; the detail tells).
  function leftQueue(alert, event, moved) {
    if (!alert) return;
    var mine = event && event.actor && event.actor.id === HS.config.user.id;
    if (mine && event.kind === "closed") { // the answer to my own close says it (actionDone)
      if (alert.id === selectedId) refreshSoon();
      return;
    }
    notices.left(alert, event, moved);
    if (alert.id !== selectedId) {
      notices.kept(alert.id, drafts.take(alert.id));
    } else if (moved) {
      goneAway(alert.id, alert);
    } else {
      refreshSoon(); // its final state (or a 404: gone away); with a draft it holds the view
      if (drafts.texts(alert.id).length) notices.draftHeld(alert.id);
    }
  }

  // The open alert can no longer be shown (moved away, or 404): its drafts go to a notice to copy.
  function goneAway(id, alert) {
    var kept = drafts.take(id);
    if (!alert && queue.get(id) === undefined) notices.left({ id: id }, null, null);
    notices.kept(id, kept);
    if (id === selectedId) deselect();
  }

  // A whole new queue (snapshot, or the HTTP poll while offline): what is no longer in it says so.
  function replaceQueue(alerts) {
    var had = queue.ids().map(queue.get);
    queue.replaceAll(alerts);
    had.forEach(function (alert) { if (!queue.get(alert.id)) leftQueue(alert, null, null); });
  }

  function gone(before, message) {
    if (before && !queue.get(before.id)) leftQueue(message.alert || before, message.event, null);
  }

  // A camera clicked on the map goes on the wall; one outside the nearest list is looked up
  // (the map layer carries no stream URLs) at its own position (several cameras may share a
  // pole), its distance measured from the alert.
  function cameraClicked(id, latlng) {
    var known = cameras.find(function (c) { return c.id === id; });
    if (known) { putOnWall(known); return; }
    var alert = detail && detail.alert;
    var located = alert && alert.latitude !== null && alert.latitude !== undefined;
    function nearest(lat, lng, limit, radius) {
      return HS.api("GET", "/api/v1/cameras/nearest/?limit=" + limit + "&radius=" + Math.ceil(radius) +
                    "&latitude=" + lat + "&longitude=" + lng).then(function (answer) {
        return (answer.ok && answer.body.find(function (c) { return c.id === id; })) || null;
      });
    }
    // Asked from the alert, the row's distance, direction and in-view are the alert's own.
    var fromAlert = located
      ? nearest(alert.latitude, alert.longitude, 50, map.map.distance([alert.latitude, alert.longitude], latlng) + 10)
      : Promise.resolve(null);
    fromAlert.then(function (camera) {
      if (camera) { putOnWall(camera); return; }
      return nearest(latlng.lat, latlng.lng, 20, 5).then(function (far) {
        if (!far) return;
        // Asked from the camera's own spot: what it says about direction and view is not about
        // the alert, so it is left unknown rather than wrong.
        far.distance_m = located ? map.map.distance([alert.latitude, alert.longitude], [far.latitude, far.longitude]) : null;
        far.bearing_deg = null;
        far.in_view = null;
        putOnWall(far);
      });
    }).catch(function () {
      // The camera did not reach the wall: say so where actions report their failures.
      var error = document.getElementById("action-error");
      if (error) error.textContent = HS.format(HS.label("failed"), { detail: HS.label("offline") });
    });
  }

  // --- Pushes ---------------------------------------------------------------------------------
  function handle(message) {
    switch (message.type) {
      case "snapshot":
        HS.setServerTime(message.server_time);
        replaceQueue(message.alerts || []);
        renderPresence(message.presence || {});
        if (selectedId && !queue.get(selectedId)) refreshSoon(); // closed meanwhile: show its end
        else if (selectedId) refreshSoon();
        openNext();
        break;
      case "alert.created":
        queue.upsert(message.alert, true);
        openNext();
        if (message.alert.id === selectedId) refreshSoon();
        break;
      case "alert.updated":
      case "alert.claimed":
        var before = queue.get(message.alert.id);
        if (message.event && message.event.kind === "unclaimed_alarm") queue.realarm(message.alert);
        else queue.upsert(message.alert, false);
        gone(before, message);
        if (message.alert.id === selectedId) refreshSoon();
        openNext();
        break;
      case "alert.moved":
        if (message.visible === false || !message.alert) {
          var last = queue.get(message.alert_id);
          queue.remove(message.alert_id);
          if (last || message.alert_id === selectedId) leftQueue(last || { id: message.alert_id }, message.event, message);
        } else {
          queue.upsert(message.alert, false);
          if (message.alert.id === selectedId) refreshSoon();
        }
        break;
      case "alert.timeline":
        if (message.alert_id === selectedId) refreshSoon();
        break;
      case "presence":
        renderPresence(message.presence || {});
        break;
      default:
        break; // unknown types are ignored: the protocol may grow
    }
  }

  function renderPresence(presence) {
    var box = document.getElementById("presence");
    var names = {};
    HS.config.centers.forEach(function (c) { names[c.code] = c.name; });
    var codes = Object.keys(presence).sort();
    box.replaceChildren.apply(box, codes.map(function (code) {
      var people = presence[code] || [];
      var chip = HS.el("span", "hs-duty" + (code === HS.config.user.center ? " hs-duty--own" : ""));
      chip.append(HS.el("strong", null, code === "*" ? HS.label("allCenters") : names[code] || code),
                  HS.el("span", null, people.length ? people.map(function (p) { return p.name; }).join(", ") : HS.label("noneOnDuty")));
      chip.title = people.map(function (p) { return p.name + " (" + HS.label("role." + p.role, p.role) + ")"; }).join("\n");
      return chip;
    }));
  }

  // --- Offline: poll the queue over HTTP until the socket is back -----------------------------
  var pollTimer = null;
  function poll() {
    HS.api("GET", "queue/").then(function (answer) {
      if (answer.ok) { replaceQueue(answer.body); openNext(); }
    }, function () {});
  }
  var socket = HS.socket.connect({
    onMessage: handle,
    onOffline: function () { if (!pollTimer) pollTimer = setInterval(poll, POLL_OFFLINE_MS); },
    onOnline: function () { clearInterval(pollTimer); pollTimer = null; },
  });

  // --- Controls -------------------------------------------------------------------------------
  document.querySelectorAll("[data-layout]").forEach(function (button) {
    button.addEventListener("click", function () {
      var shown = wall.setLayout(Number(button.dataset.layout));
      document.querySelectorAll("[data-layout]").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      // Fill the new layout with what was shown, then the nearest cameras not yet shown.
      var ids = new Set(shown.map(function (c) { return c.id; }));
      wall.show(shown.concat(cameras.filter(function (c) { return !ids.has(c.id); })));
      drawCameras();
    });
  });

  // No global mute (issue 15, point 8): this silences the alerts waiting now, each with its
  // reminder; an SOS that comes later still sounds.
  var mute = document.getElementById("mute");
  mute.addEventListener("click", function () {
    if (document.body.classList.contains("hs-sound-blocked")) return; // this click unlocks audio
    queue.silenceAll();
  });

  // Supervisors: which centers to watch (all by default), remembered in this browser.
  var watch = document.getElementById("watch");
  if (watch) {
    var boxes = Array.from(watch.querySelectorAll("input[name=watch]"));
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(WATCH_KEY) || "null"); } catch (error) { saved = null; }
    if (Array.isArray(saved)) boxes.forEach(function (b) { b.checked = saved.indexOf(b.value) !== -1; });
    var applyWatch = function () {
      var chosen = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
      var all = chosen.length === boxes.length;
      localStorage.setItem(WATCH_KEY, JSON.stringify(all ? null : chosen));
      document.getElementById("watch-summary").textContent = all ? HS.label("allCenters")
        : boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.parentNode.textContent.trim(); }).join(", ") || "—";
      queue.setWatched(all ? null : new Set(chosen));
    };
    boxes.forEach(function (b) { b.addEventListener("change", applyWatch); });
    applyWatch();
  }

  // For tests and the browser console: a read-only look at the state.
  window.HSConsole = {
    selectedId: function () { return selectedId; },
    socketOpen: function () { return socket.isOpen(); },
    beeps: HS.beepCount,
    silenced: queue.silencedIds,
    map: map.map,
  };
})();
