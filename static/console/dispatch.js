/*
 * Requests to the police (112) and fire service (119), as they are: delivered, the agency's own
 * statuses as they come, or an alarm when a request did not get through (not linked, failed, or
 * no answer in time: the server decides, alerts/dispatch/alarm.py, and every alert carries its
 * `dispatch_alarm`). The alarm shows on the alert header, its queue row and the timeline, sounds
 * until dealt with, and gives the facts to read out on the phone; it ends when the operator
 * records the call ("112에 전화로 신고함"), posted to the alert it was shown for.
 */
(function () {
  "use strict";

  var REPEAT_MS = 4000; // the "phone it now" beep, while any visible alert has an alarm
  var box = document.getElementById("dispatch");
  var lastBeep = 0;

  function L(key, values) { return HS.format(HS.label("dispatch." + key), values || {}); }
  function number(agency) { return HS.label("dispatch.number." + agency, agency); }
  function problemText(item) {
    return L("problem." + item.problem, { number: number(item.agency) });
  }

  // Queue row: a red line per agency to phone.
  function decorateRow(item, alert) {
    var alarm = alert.dispatch_alarm || [];
    if (!alarm.length) return;
    item.classList.add("hs-row--dispatch-alarm");
    alarm.forEach(function (a) { item.append(HS.el("div", "hs-dispatch-badge", problemText(a))); });
  }

  function statusLine(escalation) {
    var bits = [HS.label("agency." + escalation.agency, escalation.agency),
                HS.label("dispatch.delivery." + escalation.delivery_status, escalation.delivery_status)];
    if (escalation.delivery_status === "delivered" || escalation.status !== "requested") {
      bits.push(HS.label("dispatch.agencyStatus." + escalation.status, escalation.status));
    }
    if (escalation.external_reference) bits.push(escalation.external_reference);
    if (escalation.phoned_at) {
      bits.push(L("phoned", { time: HS.time(escalation.phoned_at) }) +
                (escalation.phone_reference ? " " + escalation.phone_reference : ""));
    }
    var line = HS.el("li", "hs-dispatch__status hs-dispatch__status--" + escalation.delivery_status,
                     bits.join(" · "));
    line.dataset.escalationId = escalation.id;
    if (escalation.phoned_at) line.classList.add("hs-dispatch__status--phoned");
    if (escalation.problem) line.classList.add("hs-dispatch__status--alarm");
    return line;
  }

  function callSheet(rows) {
    var list = HS.el("dl", "hs-facts hs-dispatch__sheet");
    (rows || []).forEach(function (row) {
      list.append(HS.el("dt", null, row.label), HS.el("dd", null, row.value));
    });
    return list;
  }

  function phonedForm(alertId, agency, onDone) {
    var form = HS.el("form", "hs-dispatch__phoned");
    form.dataset.agency = agency;
    var reference = HS.el("input");
    reference.name = "reference";
    reference.maxLength = 100;
    reference.placeholder = L("reference");
    var button = HS.el("button", "hs-danger", L("phonedButton", { number: number(agency) }));
    button.type = "submit";
    var error = HS.el("span", "hs-action-error");
    form.append(reference, button, error);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      // The alert this alarm was shown for, whatever is selected by the time the answer comes.
      HS.api("POST", "alerts/" + alertId + "/phoned", { agency: agency, reference: reference.value })
        .then(function (answer) {
          button.disabled = false;
          if (answer.ok) { onDone(answer.body); return; }
          error.textContent = HS.format(HS.label("failed"), { detail: (answer.body && answer.body.detail) || answer.status });
        }, function () {
          button.disabled = false;
          error.textContent = HS.format(HS.label("failed"), { detail: HS.label("offline") });
        });
    });
    return form;
  }

  var shown = null; // the detail last drawn

  function show(detail, onDone) {
    shown = detail;
    var alert = detail.alert;
    var escalations = detail.escalations || [];
    var alarm = alert.dispatch_alarm || [];
    if (!escalations.length) { clear(); return; }
    var parts = [];
    var agencies = {};
    alarm.forEach(function (a) { agencies[a.agency] = true; });
    Object.keys(agencies).forEach(function (agency) {
      var item = alarm.filter(function (a) { return a.agency === agency; }).pop();
      var block = HS.el("div", "hs-dispatch__alarm");
      block.setAttribute("role", "alert");
      block.append(HS.el("strong", "hs-dispatch__headline", problemText(item)),
                   phonedForm(alert.id, agency, onDone));
      parts.push(block);
    });
    if (alarm.length) parts.push(HS.el("h3", null, L("readOut")), callSheet(detail.call_sheet));
    var list = HS.el("ul", "hs-dispatch__list");
    escalations.forEach(function (e) { list.append(statusLine(e)); });
    parts.push(HS.el("h3", null, L("requests")), list);
    box.replaceChildren.apply(box, parts);
    box.classList.toggle("hs-dispatch--alarm", alarm.length > 0);
    box.hidden = false;
    syncEscalateForm();
  }

  function clear() {
    shown = null;
    box.replaceChildren();
    box.classList.remove("hs-dispatch--alarm");
    box.hidden = true;
    syncEscalateForm();
  }

  // --- The escalate form: nothing ticked by default, a confirmation, a reason to ask again ----
  var form = document.querySelector("form[data-action='escalate']");
  var repeat = form && form.querySelector("input[name=repeat_reason]");

  function alreadyAsked() {
    if (!form || !shown) return [];
    var asked = (shown.escalations || []).map(function (e) { return e.agency; });
    return Array.from(form.querySelectorAll("input[name=agencies]:checked"))
      .map(function (b) { return b.value; })
      .filter(function (agency) { return asked.indexOf(agency) !== -1; });
  }

  function syncEscalateForm() {
    if (!repeat) return;
    var need = alreadyAsked().length > 0;
    repeat.hidden = !need; // not `required`: the submit check below says why, in words
    repeat.classList.toggle("hs-needed", need);
    if (!need) repeat.value = "";
  }

  if (form) {
    form.addEventListener("change", syncEscalateForm);
    // Capture phase: runs before detail.js's submit handler, and stops it when not confirmed.
    form.addEventListener("submit", function (event) {
      var error = document.getElementById("action-error");
      var ticked = Array.from(form.querySelectorAll("input[name=agencies]:checked"));
      var stop = function (message) {
        event.preventDefault();
        event.stopImmediatePropagation();
        if (message) error.textContent = message;
      };
      if (!ticked.length) { stop(L("chooseAgency")); return; }
      if (alreadyAsked().length && !repeat.value.trim()) { stop(L("repeatNeeded")); repeat.focus(); return; }
      var names = ticked.map(function (b) { return HS.label("agency." + b.value, b.value); }).join(", ");
      if (!window.confirm(L("confirmEscalate", { agencies: names }))) stop(null);
    }, true);
    form.addEventListener("reset", function () { setTimeout(syncEscalateForm, 0); });
  }

  // --- Sound: a beep every few seconds while any queue row has an alarm (the mute still works) ---
  setInterval(function () {
    if (!document.querySelector(".hs-row--dispatch-alarm")) return;
    if (Date.now() - lastBeep < REPEAT_MS) return;
    lastBeep = Date.now();
    HS.beep();
  }, 1000);

  HS.dispatch = { show: show, clear: clear, decorateRow: decorateRow };
})();
