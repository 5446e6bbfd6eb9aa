/*
 * The alert queue: open alerts, duress first, then SOS, then overdue trips, oldest first within
 * each (the server's `priority`), with a running golden-time clock. A new alert beeps and its row
 * flashes until someone claims it; the alarm repeats while any alert waits unclaimed.
 */
(function () {
  "use strict";

  var OPEN = { received: true, claimed: true, acknowledged: true, dispatched: true };
  var REPEAT_ALARM_MS = 6000;
  var GOLDEN_WARN_S = 180, GOLDEN_LATE_S = 300;

  function create(options) {
    var list = document.getElementById("queue");
    var count = document.getElementById("queue-count");
    var alarm = document.getElementById("alarm");
    var alerts = new Map();
    var watched = null; // null: every center the server sends; else a Set of center codes
    var selectedId = null;
    var lastBeep = 0;

    function visible(alert) {
      if (!OPEN[alert.status]) return false;
      if (!watched) return true;
      var codes = [alert.center && alert.center.code].concat((alert.border_centers || []).map(function (c) {
        return c.code;
      }));
      return codes.some(function (code) { return code && watched.has(code); });
    }

    function sorted() {
      return Array.from(alerts.values()).filter(visible).sort(function (a, b) {
        return (a.priority - b.priority) || (Date.parse(a.received_at) - Date.parse(b.received_at)) || (a.id - b.id);
      });
    }

    function waiting(alert) { return alert.status === "received" && !alert.claimed_by; }

    function kindLabel(alert) {
      if (alert.is_duress) return HS.label("kind.duress");
      return HS.label("kind." + alert.kind, alert.kind);
    }

    function accuracyText(alert) {
      if (alert.latitude === null || alert.latitude === undefined) return HS.label("noLocation");
      var text = alert.accuracy !== null && alert.accuracy !== undefined ? "±" + HS.meters(alert.accuracy) : "±?";
      return alert.location_stale ? text + " (" + HS.label("stale") + ")" : text;
    }

    function row(alert) {
      var item = HS.el("li", "hs-row");
      item.dataset.alertId = alert.id;
      item.tabIndex = 0;
      item.classList.add("hs-row--" + alert.kind);
      if (alert.is_duress) item.classList.add("hs-row--duress");
      if (waiting(alert)) item.classList.add("hs-row--new");
      if (alert.id === selectedId) item.classList.add("hs-row--selected");
      var top = HS.el("div", "hs-row__top");
      top.append(HS.el("span", "hs-clock", ""), HS.el("span", "hs-kind", kindLabel(alert)),
                 HS.el("span", "hs-trigger", HS.label("trigger." + alert.trigger, alert.trigger)));
      var who = HS.el("div", "hs-row__who");
      who.append(HS.el("span", "hs-citizen", alert.citizen ? alert.citizen.name : "—"),
                 HS.el("span", "hs-accuracy", accuracyText(alert)));
      var state = HS.el("div", "hs-row__state");
      state.append(HS.el("span", "hs-status hs-status--" + alert.status, HS.label("status." + alert.status)),
                   HS.el("span", "hs-owner", alert.claimed_by ? alert.claimed_by.name : HS.label("unassigned")),
                   HS.el("span", "hs-center", (alert.center ? alert.center.name : "—") +
                         (alert.out_of_area ? " · " + HS.label("outOfArea") : "")));
      item.append(top, who);
      if (alert.address) item.append(HS.el("div", "hs-row__address", alert.address));
      item.append(state);
      HS.dispatch.decorateRow(item, alert); // "112 연계 안 됨 — 지금 112에 전화하세요"
      item.addEventListener("click", function () { options.onSelect(alert.id); });
      item.addEventListener("keydown", function (event) {
        if (event.key === "Enter") options.onSelect(alert.id);
      });
      return item;
    }

    function render() {
      var rows = sorted();
      list.replaceChildren.apply(list, rows.map(row));
      if (!rows.length) list.append(HS.el("li", "hs-empty", HS.label("noAlerts")));
      count.textContent = rows.length;
      tick();
      updateAlarm();
    }

    // Once a second: the clocks only, so a row being clicked is never rebuilt under the pointer.
    function tick() {
      list.querySelectorAll(".hs-row").forEach(function (item) {
        var alert = alerts.get(Number(item.dataset.alertId));
        if (!alert) return;
        var golden = HS.elapsed(alert.received_at);
        var clock = item.querySelector(".hs-clock");
        clock.textContent = golden.text;
        clock.classList.toggle("hs-clock--warn", golden.seconds >= GOLDEN_WARN_S);
        clock.classList.toggle("hs-clock--late", golden.seconds >= GOLDEN_LATE_S);
      });
      if (document.body.classList.contains("hs-alarming") && Date.now() - lastBeep > REPEAT_ALARM_MS) ring();
    }

    function ring() {
      lastBeep = Date.now();
      HS.beep();
    }

    function updateAlarm() {
      var pending = sorted().filter(waiting);
      var on = pending.length > 0;
      document.body.classList.toggle("hs-alarming", on);
      document.body.classList.toggle("hs-alarming--duress", pending.some(function (a) { return a.is_duress; }));
      var text = on ? HS.format(HS.label("newAlerts"), { n: pending.length }) : "";
      if (alarm.textContent !== text) alarm.textContent = text;
      alarm.hidden = !on;
    }

    // Apply one alert from a push or an action answer. Returns true when it is a new arrival.
    function upsert(alert) {
      var known = alerts.has(alert.id);
      alerts.set(alert.id, alert);
      if (!OPEN[alert.status]) alerts.delete(alert.id);
      return !known && OPEN[alert.status] && visible(alert);
    }

    setInterval(tick, 1000);

    return {
      replaceAll: function (list) {
        var before = new Set(alerts.keys());
        alerts = new Map();
        var fresh = list.filter(function (alert) {
          upsert(alert);
          return !before.has(alert.id) && waiting(alert) && visible(alert);
        });
        render();
        if (fresh.length) ring();
        return fresh;
      },
      // The server's claim-timeout alarm: ring now even for an alert we already show.
      realarm: function (alert) {
        upsert(alert);
        render();
        if (waiting(alert)) ring();
      },
      upsert: function (alert, isNew) {
        var arrived = upsert(alert);
        render();
        if (arrived && (isNew || waiting(alert))) ring();
        return arrived;
      },
      remove: function (id) { alerts.delete(id); render(); },
      get: function (id) { return alerts.get(id); },
      first: function () { return sorted()[0] || null; },
      select: function (id) { selectedId = id; render(); },
      setWatched: function (codes) { watched = codes; render(); },
      isVisible: function (alert) { return visible(alert); },
    };
  }

  HS.queue = { create: create };
})();
