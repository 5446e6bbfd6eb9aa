/*
 * Notices at the top of the queue (issue 15, points 3 and 4): nothing leaves the operator's queue
 * silently. An alert closed by someone else, cancelled by the citizen, moved to another center or
 * gone while the socket was away says so; a close of one's own says it succeeded; text typed for
 * an alert that went away is kept here, read-only, to copy. Plain notices fade after NOTICE_MS;
 * kept text stays until dismissed.
 */
(function () {
  "use strict";

  var NOTICE_MS = 120000;
  var MAX_NOTICES = 6;

  function label(key) { return HS.label("queueNotices." + key); }

  function who(alert) {
    var name = alert.citizen && alert.citizen.name;
    return "#" + alert.id + (name ? " " + name : "");
  }

  function create(box) {
    function add(kind, text, alertId, extra, sticky) {
      var item = HS.el("li", "hs-notice hs-notice--" + kind);
      if (alertId) item.dataset.alertId = alertId;
      item.append(HS.el("time", null, HS.time(new Date().toISOString())), HS.el("span", "hs-notice__text", text));
      if (extra) item.append(extra);
      var dismiss = HS.el("button", "hs-notice__dismiss", "×");
      dismiss.type = "button";
      dismiss.title = label("dismiss");
      dismiss.setAttribute("aria-label", label("dismiss"));
      dismiss.addEventListener("click", function () { item.remove(); });
      item.append(dismiss);
      box.prepend(item);
      if (!sticky) setTimeout(function () { item.remove(); }, NOTICE_MS);
      // Too many: the oldest plain ones go first; kept text is never dropped by itself.
      var plain = Array.from(box.querySelectorAll(".hs-notice:not(.hs-notice--kept)"));
      plain.slice(MAX_NOTICES).forEach(function (old) { old.remove(); });
      return item;
    }

    return {
      left: function (alert, event, moved) {
        var values = { alert: who(alert) };
        var text;
        if (moved) {
          values.to = moved.to ? moved.to.name : "—";
          values.by = moved.by ? moved.by.name : HS.label("system");
          text = HS.format(label("moved"), values);
        } else if (alert.status === "closed") {
          values.by = event && event.actor ? event.actor.name : HS.label("system");
          values.disposition = HS.label("disposition." + alert.disposition, alert.disposition || "—");
          text = HS.format(label("closedBy"), values);
        } else if (alert.status === "cancelled") {
          text = HS.format(label("cancelled"), values);
        } else {
          text = HS.format(label("leftUnknown"), values);
        }
        add(moved ? "moved" : alert.status || "left", text, alert.id);
      },
      closedByMe: function (alert) {
        add("done", HS.format(label("closedByMe"), {
          alert: who(alert), disposition: HS.label("disposition." + alert.disposition, alert.disposition),
        }), alert.id);
      },
      // The text held for a finished alert was sent (or cleared): its notice has done its job.
      released: function (id) {
        box.querySelectorAll(".hs-notice--held[data-alert-id='" + id + "']").forEach(function (n) { n.remove(); });
      },
      draftHeld: function (id) {
        if (box.querySelector(".hs-notice--held[data-alert-id='" + id + "']")) return;
        add("held", HS.format(label("draftHeld"), { id: id }), id, null, true);
      },
      // Text typed for alert `id` that can no longer be sent there: shown to copy, never moved.
      kept: function (id, texts) {
        if (!texts || !texts.length) return;
        var all = texts.map(function (t) { return HS.label("queueNotices.field." + t.action, t.action) + ": " + t.text; }).join("\n");
        var area = HS.el("textarea", "hs-notice__kept");
        area.readOnly = true;
        area.rows = Math.min(6, all.split("\n").length + 1);
        area.value = all;
        var copy = HS.el("button", "hs-notice__copy", label("copy"));
        copy.type = "button";
        copy.addEventListener("click", function () {
          area.select();
          var done = function () { copy.textContent = label("copied"); };
          if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(all).then(done, function () {});
          else { try { document.execCommand("copy"); done(); } catch (error) { /* selected: Ctrl+C */ } }
        });
        var extra = HS.el("div", "hs-notice__extra");
        extra.append(area, copy);
        add("kept", HS.format(label("kept"), { id: id }), id, extra, true);
      },
    };
  }

  HS.notices = { create: create };
})();
