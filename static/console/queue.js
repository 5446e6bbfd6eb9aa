/*
 * The alert queue: open alerts, duress first, then SOS, then overdue trips, oldest first within
 * each (the server's `priority`), with a running golden-time clock.
 *
 * Nothing out of sight (issue 15, point 4): alerts nobody has claimed yet sit in a pinned "new"
 * tray above the list, duress first, then the newest first, so a new SOS is on screen however long
 * the queue (the queue panel stays in view while the page scrolls). Repeated SOS of one citizen
 * within GROUP_WINDOW_MS are grouped: shown together, the repeats marked.
 *
 * The alarm (point 8, docs/console-protocol.md "Sound"): a new waiting alert always beeps at once.
 * While any waiting alert is not silenced, the beep repeats every REPEAT_ALARM_MS. An operator may
 * silence one alert without claiming it (or all waiting ones): it stays highlighted, and after
 * SILENCE_MS it beeps again as a reminder. Silencing never covers alerts that arrive later.
 */
(function () {
  "use strict";

  var OPEN = { received: true, claimed: true, acknowledged: true, dispatched: true };
  var REPEAT_ALARM_MS = 15000;
  var SILENCE_MS = 120000;
  var GROUP_WINDOW_MS = 5 * 60 * 1000;
  var GOLDEN_WARN_S = 180, GOLDEN_LATE_S = 300;

  function create(options) {
    var list = document.getElementById("queue");
    var tray = document.getElementById("queue-new");
    var trayBox = document.getElementById("queue-new-box");
    var count = document.getElementById("queue-count");
    var newCount = document.getElementById("queue-new-count");
    var alarm = document.getElementById("alarm");
    var alerts = new Map();
    var watched = null; // null: every center the server sends; else a Set of center codes
    var selectedId = null;
    var lastBeep = 0;
    var silenced = new Map(); // alert id -> time (ms) its silence ends

    function visible(alert) {
      if (!OPEN[alert.status]) return false;
      if (!watched) return true;
      var codes = [alert.center && alert.center.code].concat((alert.border_centers || []).map(function (c) {
        return c.code;
      }));
      return codes.some(function (code) { return code && watched.has(code); });
    }

    function received(alert) { return Date.parse(alert.received_at); }

    function sorted() {
      return Array.from(alerts.values()).filter(visible).sort(function (a, b) {
        return (a.priority - b.priority) || (received(a) - received(b)) || (a.id - b.id);
      });
    }

    function waiting(alert) { return alert.status === "received" && !alert.claimed_by; }
    function isSilenced(alert) { return silenced.has(alert.id); }

    // Citizen -> chains of their alerts, each within GROUP_WINDOW_MS of the one before.
    function groups(rows) {
      var byCitizen = new Map();
      rows.slice().sort(function (a, b) { return received(a) - received(b) || a.id - b.id; }).forEach(function (alert) {
        var who = alert.citizen && alert.citizen.id;
        if (!who) return;
        var chains = byCitizen.get(who) || [];
        var last = chains[chains.length - 1];
        if (last && received(alert) - received(last[last.length - 1]) <= GROUP_WINDOW_MS) last.push(alert);
        else chains.push([alert]);
        byCitizen.set(who, chains);
      });
      var of = new Map();
      byCitizen.forEach(function (chains) {
        chains.forEach(function (chain) {
          if (chain.length < 2) return;
          chain.forEach(function (alert, index) { of.set(alert.id, { chain: chain, index: index }); });
        });
      });
      return of;
    }

    // Members of one group next to each other, where the group's first member would stand.
    function together(rows, grouping) {
      var placed = new Set();
      var out = [];
      rows.forEach(function (alert) {
        if (placed.has(alert.id)) return;
        var group = grouping.get(alert.id);
        var members = group ? group.chain.filter(function (a) {
          return rows.indexOf(a) !== -1 && !placed.has(a.id);
        }) : [alert];
        members.forEach(function (a) { placed.add(a.id); out.push(a); });
      });
      return out;
    }

    function kindLabel(alert) {
      if (alert.is_duress) return HS.label("kind.duress");
      return HS.label("kind." + alert.kind, alert.kind);
    }

    function accuracyText(alert) {
      if (alert.latitude === null || alert.latitude === undefined) return HS.label("noLocation");
      var text = alert.accuracy !== null && alert.accuracy !== undefined ? "±" + HS.meters(alert.accuracy) : "±?";
      return alert.location_stale ? text + " (" + HS.label("stale") + ")" : text;
    }

    function row(alert, group) {
      var item = HS.el("li", "hs-row");
      item.dataset.alertId = alert.id;
      item.tabIndex = 0;
      item.classList.add("hs-row--" + alert.kind);
      if (alert.is_duress) item.classList.add("hs-row--duress");
      if (waiting(alert)) item.classList.add("hs-row--new");
      if (waiting(alert) && isSilenced(alert)) item.classList.add("hs-row--silenced");
      if (alert.id === selectedId) item.classList.add("hs-row--selected");
      var top = HS.el("div", "hs-row__top");
      top.append(HS.el("span", "hs-clock", ""), HS.el("span", "hs-kind", kindLabel(alert)),
                 HS.el("span", "hs-trigger", HS.label("trigger." + alert.trigger, alert.trigger)),
                 HS.el("span", "hs-row__id", "#" + alert.id));
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
      if (group) {
        item.classList.add(group.index ? "hs-row--repeat" : "hs-row--group-first");
        item.append(HS.el("div", "hs-row__group", group.index
          ? HS.format(HS.label("queueNotices.repeat"), { n: group.index + 1, total: group.chain.length, first: group.chain[0].id })
          : HS.format(HS.label("queueNotices.groupFirst"), { total: group.chain.length })));
      }
      if (waiting(alert)) {
        var hush = HS.el("button", "hs-silence", isSilenced(alert) ? HS.label("queueNotices.silenced") : HS.label("queueNotices.silence"));
        hush.type = "button";
        hush.dataset.silence = alert.id;
        hush.setAttribute("aria-pressed", String(isSilenced(alert)));
        hush.title = HS.label("queueNotices.silenceHelp");
        hush.addEventListener("click", function (event) {
          event.stopPropagation(); // silencing is not opening
          silence([alert.id]);
        });
        state.append(hush);
      }
      item.addEventListener("click", function () { options.onSelect(alert.id); });
      item.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && event.target === item) options.onSelect(alert.id);
      });
      return item;
    }

    function render() {
      var rows = sorted();
      var grouping = groups(rows);
      var fresh = rows.filter(waiting).sort(function (a, b) {
        return (Number(b.is_duress) - Number(a.is_duress)) || (received(b) - received(a)) || (b.id - a.id);
      });
      var rest = rows.filter(function (a) { return !waiting(a); });
      tray.replaceChildren.apply(tray, together(fresh, grouping).map(function (a) { return row(a, grouping.get(a.id)); }));
      trayBox.hidden = !fresh.length;
      newCount.textContent = fresh.length;
      list.replaceChildren.apply(list, together(rest, grouping).map(function (a) { return row(a, grouping.get(a.id)); }));
      if (!rows.length) list.append(HS.el("li", "hs-empty", HS.label("noAlerts")));
      count.textContent = rows.length;
      tick();
      updateAlarm();
    }

    // Once a second: the clocks and the silences only, so a row being clicked is never rebuilt
    // under the pointer (except when a silence ends).
    function tick() {
      var now = Date.now();
      var ended = [];
      silenced.forEach(function (until, id) {
        var alert = alerts.get(id);
        if (!alert || !waiting(alert)) silenced.delete(id);
        else if (until <= now) { silenced.delete(id); ended.push(id); }
      });
      if (ended.length) { ring(); render(); return; } // the reminder (render ticks again)
      document.querySelectorAll("#queue .hs-row, #queue-new .hs-row").forEach(function (item) {
        var alert = alerts.get(Number(item.dataset.alertId));
        if (!alert) return;
        var golden = HS.elapsed(alert.received_at);
        var clock = item.querySelector(".hs-clock");
        clock.textContent = golden.text;
        clock.classList.toggle("hs-clock--warn", golden.seconds >= GOLDEN_WARN_S);
        clock.classList.toggle("hs-clock--late", golden.seconds >= GOLDEN_LATE_S);
      });
      if (loud().length && now - lastBeep > REPEAT_ALARM_MS) ring();
    }

    function pending() { return sorted().filter(waiting); }
    function loud() { return pending().filter(function (a) { return !isSilenced(a); }); }

    function ring() {
      lastBeep = Date.now();
      HS.beep();
    }

    function silence(ids) {
      var until = Date.now() + SILENCE_MS;
      ids.forEach(function (id) {
        var alert = alerts.get(id);
        if (alert && waiting(alert)) silenced.set(id, until);
      });
      render();
    }

    function updateAlarm() {
      var waitingNow = pending();
      var on = waitingNow.length > 0;
      var quiet = waitingNow.length - loud().length;
      document.body.classList.toggle("hs-alarming", on);
      document.body.classList.toggle("hs-alarming--quiet", on && !loud().length);
      document.body.classList.toggle("hs-alarming--duress", waitingNow.some(function (a) { return a.is_duress; }));
      var text = on ? HS.format(HS.label("newAlerts"), { n: waitingNow.length }) +
        (quiet ? " · " + HS.format(HS.label("queueNotices.quietCount"), { n: quiet }) : "") : "";
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
        if (fresh.length) ring(); // before render: its tick would count a repeat too
        render();
        return fresh;
      },
      // The server's claim-timeout alarm: ring now even for an alert we already show, unless the
      // operator silenced it (its reminder comes when the silence ends).
      realarm: function (alert) {
        upsert(alert);
        if (waiting(alert) && !isSilenced(alert)) ring();
        render();
      },
      upsert: function (alert, isNew) {
        var arrived = upsert(alert);
        if (arrived && (isNew || waiting(alert))) ring();
        render();
        return arrived;
      },
      remove: function (id) { alerts.delete(id); render(); },
      get: function (id) { return alerts.get(id); },
      ids: function () { return Array.from(alerts.keys()); },
      first: function () { return sorted()[0] || null; },
      select: function (id) { selectedId = id; render(); },
      setWatched: function (codes) { watched = codes; render(); },
      isVisible: function (alert) { return visible(alert); },
      // Silence every alert waiting now (not those that come later).
      silenceAll: function () { silence(pending().map(function (a) { return a.id; })); },
      silencedIds: function () { return Array.from(silenced.keys()); },
    };
  }

  HS.queue = { create: create };
})();
