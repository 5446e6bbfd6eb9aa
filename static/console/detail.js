/*
 * The selected alert: the person panel, the nearest-camera list, the timeline and the actions.
 * Actions are HTTP POSTs to the console API (the websocket never carries actions); the answer is
 * authoritative and the push that follows keeps the other consoles in step.
 */
(function () {
  "use strict";

  function dl(rows) {
    var list = HS.el("dl", "hs-facts");
    rows.forEach(function (pair) {
      if (pair[1] === null || pair[1] === undefined || pair[1] === "") return;
      list.append(HS.el("dt", null, pair[0]), HS.el("dd", null, pair[1]));
    });
    return list;
  }

  function renderPerson(box, detail) {
    var person = detail.person || {};
    var alert = detail.alert;
    var header = HS.el("div", "hs-person__head");
    if (alert.is_duress) header.append(HS.el("span", "hs-duress-badge", HS.label("kind.duress")));
    header.append(HS.el("strong", "hs-person__name", person.name || (alert.citizen && alert.citizen.name) || "—"));
    var phone = person.phone || (alert.citizen && alert.citizen.phone) || "";
    var tel = HS.el("a", "hs-person__phone", phone);
    tel.href = "tel:" + phone;
    header.append(tel);
    var parts = [header];

    var guardians = HS.el("ul", "hs-guardians");
    (person.guardians || []).forEach(function (g) {
      guardians.append(HS.el("li", null, [g.name, g.relation, g.phone].filter(Boolean).join(" · ")));
    });
    if (!guardians.children.length) guardians.append(HS.el("li", "hs-empty", HS.label("noneOnDuty")));
    parts.push(HS.el("h3", null, HS.label("guardians")), guardians);

    var trip = person.active_trip || alert.trip;
    if (trip) {
      parts.push(HS.el("h3", null, HS.label("trip")), dl([
        [HS.label("destination"), trip.destination_name || "—"],
        [HS.label("expected"), HS.dateTime(trip.expected_arrival)],
        [HS.label("tripStatus"), HS.label("tripState." + trip.status, trip.status)],
      ]));
    }
    var earlier = HS.el("ul", "hs-earlier");
    (person.earlier_alerts || []).forEach(function (a) {
      earlier.append(HS.el("li", a.is_duress ? "hs-earlier--duress" : null,
        HS.dateTime(a.received_at) + " " + (a.is_duress ? HS.label("kind.duress") : HS.label("kind." + a.kind, a.kind)) +
        " · " + HS.label("status." + a.status, a.status) + (a.disposition ? " · " + HS.label("disposition." + a.disposition, a.disposition) : "")));
    });
    if ((person.earlier_alerts || []).length) parts.push(HS.el("h3", null, HS.label("earlier")), earlier);
    box.replaceChildren.apply(box, parts);
  }

  function eventText(event) {
    var data = event.data || {};
    var bits = [];
    if (data.text) bits.push(data.text);
    if (data.agencies) bits.push(data.agencies.map(function (a) { return HS.label("agency." + a, a); }).join(", "));
    if (data.agency) bits.push(HS.label("agency." + data.agency, data.agency));
    if (data.reason) bits.push(data.reason);
    if (data.repeat_reason) bits.push(data.repeat_reason);
    if (data.reference) bits.push(data.reference);
    if (data.error) bits.push(data.error);
    if (data.disposition) bits.push(HS.label("disposition." + data.disposition, data.disposition));
    if (data.note) bits.push(data.note);
    if (data.from || data.to) {
      var name = function (c) { return c && (c.name || c.code || c); };
      bits.push((name(data.from) || "—") + " → " + (name(data.to) || "—"));
    }
    return bits.join(" · ");
  }

  function renderTimeline(list, events) {
    list.replaceChildren.apply(list, (events || []).slice().reverse().map(function (event) {
      var item = HS.el("li", "hs-event hs-event--" + event.kind + (event.alarms ? " hs-event--alarm" : ""));
      item.dataset.eventId = event.id;
      // The server names every kind (alerts/timeline.py): the entry's label, else the config's.
      item.append(HS.el("time", null, HS.time(event.created_at)),
                  HS.el("strong", null, event.label || HS.label("event." + event.kind)),
                  HS.el("span", "hs-event__actor", event.actor ? event.actor.name : HS.label("system")));
      var text = eventText(event);
      if (text) item.append(HS.el("span", "hs-event__text", text));
      return item;
    }));
  }

  function renderCameraList(list, cameras, options) {
    if (options.noLocation) { // no position to search around: not "no cameras within 500 m"
      list.replaceChildren(HS.el("li", "hs-empty hs-no-location", HS.label("noLocation")));
      return;
    }
    if (!cameras.length) {
      list.replaceChildren(HS.el("li", "hs-empty", HS.format(HS.label("noCameras"), { m: HS.config.nearest.radius })));
      return;
    }
    // Cameras on one pole (HS.cameras.byPole keeps them together) under one heading.
    var items = [];
    cameras.forEach(function (camera, index) {
      var onPole = camera.pole_size > 1;
      if (onPole && (index === 0 || cameras[index - 1].pole !== camera.pole)) {
        var head = HS.el("li", "hs-camera-pole", HS.format(HS.label("camera.pole"), { n: camera.pole_size }) +
                         (camera.address ? " · " + camera.address : ""));
        head.dataset.pole = camera.pole;
        items.push(head);
      }
      var item = HS.el("li", "hs-camera-item" + (onPole ? " hs-camera-item--pole" : "") +
                       (options.onWall(camera.id) ? " hs-camera-item--on-wall" : ""));
      item.dataset.cameraId = camera.id;
      if (onPole) item.dataset.pole = camera.pole;
      var facts = HS.el("span", "hs-camera-item__facts");
      var facing = HS.cameras.facing(camera);
      facts.append(HS.cameras.where(camera));
      if (facing) facts.append(facing);
      facts.append(HS.cameras.view(camera));
      if (camera.status !== "active") {
        facts.append(HS.el("span", "hs-tile__status hs-tile__status--" + camera.status, HS.label("cameraStatus." + camera.status, camera.status)));
      }
      item.append(HS.el("span", "hs-camera-item__n", index + 1),
                  HS.el("span", "hs-camera-item__name", HS.cameras.name(camera)),
                  facts,
                  // The address once: a pole's heading already says it.
                  HS.el("span", "hs-camera-item__address", onPole ? "" : camera.address || ""));
      item.addEventListener("click", function () { options.onPick(camera); });
      items.push(item);
    });
    list.replaceChildren.apply(list, items);
  }

  // Wires the action buttons and forms to `currentId()`; `done(answer)` gets each success.
  function bindActions(root, currentId, done) {
    var error = document.getElementById("action-error");
    var disposition = root.querySelector("select[name=disposition]");
    Object.keys(HS.config.labels.disposition).forEach(function (key) {
      var option = HS.el("option", null, HS.label("disposition." + key));
      option.value = key;
      disposition.append(option);
    });

    // A form's action goes to the alert its text was typed for (its data-alert-id, drafts.js),
    // never to whatever is selected by the time the answer comes; a failure keeps the text.
    function post(action, body, form) {
      var id = form && form.dataset.alertId ? Number(form.dataset.alertId) : currentId();
      if (!id) return;
      error.textContent = "";
      var failed = function (detail) {
        error.textContent = "#" + id + " · " + HS.format(HS.label("failed"), { detail: detail });
      };
      HS.api("POST", "alerts/" + id + "/" + action, body).then(function (answer) {
        if (answer.ok) {
          done(answer.body, action, id);
          return;
        }
        var b = answer.body || {};
        var detail = b.code === "claimed" && b.claimed_by
          ? HS.format(HS.label("claimedBy"), { name: b.claimed_by.name })
          : answer.status === 404 ? HS.label("queueNotices.notVisible")
          : b.detail || Object.keys(b).map(function (k) { return k + ": " + [].concat(b[k]).join(" "); }).join("; ") || answer.status;
        failed(detail);
      }, function () {
        failed(HS.label("offline"));
      });
    }

    root.querySelectorAll("button[data-action]").forEach(function (button) {
      button.addEventListener("click", function () { post(button.dataset.action, {}); });
    });
    root.querySelectorAll("form[data-action]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var data = new FormData(form);
        var body = {};
        if (form.dataset.action === "escalate") {
          body = { agencies: data.getAll("agencies"), reason: data.get("reason"), repeat_reason: data.get("repeat_reason") || "" };
        }
        else data.forEach(function (value, key) { body[key] = value; });
        if (form.dataset.action === "close" && !window.confirm(HS.format(HS.label("queueNotices.confirmClose"), {
          id: form.dataset.alertId || currentId(),
          disposition: HS.label("disposition." + body.disposition, body.disposition),
        }))) return;
        post(form.dataset.action, body, form);
      });
    });
  }

  HS.detail = {
    renderPerson: renderPerson,
    renderTimeline: renderTimeline,
    renderCameraList: renderCameraList,
    bindActions: bindActions,
  };
})();
