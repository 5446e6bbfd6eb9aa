// @ts-check
/*
 * Requests to the police (112) and fire service (119), as they are: delivered, the agency's own
 * statuses as they come, or an alarm when a request did not get through (not linked, failed, or
 * no answer in time: the server decides, alerts/dispatch/alarm.py, and every alert carries its
 * `dispatch_alarm`). The alarm shows on the alert header, its queue row and the timeline, sounds
 * until dealt with, and gives the facts to read out on the phone; it ends when the operator
 * records the call ("112에 전화로 신고함"), posted to the alert it was shown for.
 */
import { format, label } from "./config.js";
import { api, beep, el, time } from "./util.js";

const REPEAT_MS = 4000; // the "phone it now" beep, while any visible alert has an alarm
const box = document.getElementById("dispatch");
let lastBeep = 0;

/**
 * @param {string} key
 * @param {Record<string, unknown>} [values]
 */
function say(key, values) { return format(label("dispatch." + key), values || {}); }
/** @param {string} agency */
function number(agency) { return label("dispatch.number." + agency, agency); }
/** @param {{agency: string, problem: string}} item */
function problemText(item) {
  return say("problem." + item.problem, { number: number(item.agency) });
}

// Queue row: a red line per agency to phone.
/**
 * @param {HTMLElement} item
 * @param {import("./store.js").Alert} alert
 */
export function decorateRow(item, alert) {
  const alarm = alert.dispatch_alarm || [];
  if (!alarm.length) return;
  item.classList.add("hs-row--dispatch-alarm");
  alarm.forEach((a) => { item.append(el("div", "hs-dispatch-badge", problemText(a))); });
}

/** @param {any} escalation  one of the detail's `escalations` */
function statusLine(escalation) {
  const bits = [label("agency." + escalation.agency, escalation.agency),
              label("dispatch.delivery." + escalation.delivery_status, escalation.delivery_status)];
  if (escalation.delivery_status === "delivered" || escalation.status !== "requested") {
    bits.push(label("dispatch.agencyStatus." + escalation.status, escalation.status));
  }
  if (escalation.external_reference) bits.push(escalation.external_reference);
  if (escalation.phoned_at) {
    bits.push(say("phoned", { time: time(escalation.phoned_at) }) +
              (escalation.phone_reference ? " " + escalation.phone_reference : ""));
  }
  const line = el("li", "hs-dispatch__status hs-dispatch__status--" + escalation.delivery_status,
                   bits.join(" · "));
  line.dataset.escalationId = escalation.id;
  if (escalation.phoned_at) line.classList.add("hs-dispatch__status--phoned");
  if (escalation.problem) line.classList.add("hs-dispatch__status--alarm");
  return line;
}

/** @param {{label: string, value: string}[] | undefined} rows */
function callSheet(rows) {
  const list = el("dl", "hs-facts hs-dispatch__sheet");
  (rows || []).forEach((row) => {
    list.append(el("dt", null, row.label), el("dd", null, row.value));
  });
  return list;
}

/**
 * @param {number} alertId
 * @param {string} agency
 * @param {(body: any) => void} onDone
 */
function phonedForm(alertId, agency, onDone) {
  const form = el("form", "hs-dispatch__phoned");
  form.dataset.agency = agency;
  const reference = el("input");
  reference.name = "reference";
  reference.maxLength = 100;
  reference.placeholder = say("reference");
  const button = el("button", "hs-danger", say("phonedButton", { number: number(agency) }));
  button.type = "submit";
  const error = el("span", "hs-action-error");
  form.append(reference, button, error);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    button.disabled = true;
    // The alert this alarm was shown for, whatever is selected by the time the answer comes.
    api("POST", "alerts/" + alertId + "/phoned", { agency: agency, reference: reference.value })
      .then((answer) => {
        button.disabled = false;
        if (answer.ok) { onDone(answer.body); return; }
        error.textContent = format(label("failed"), { detail: (answer.body && answer.body.detail) || answer.status });
      }, () => {
        button.disabled = false;
        error.textContent = format(label("failed"), { detail: label("offline") });
      });
  });
  return form;
}

let shown = null; // the detail last drawn

/**
 * @param {import("./store.js").Detail} detail
 * @param {(body: any) => void} onDone
 */
export function show(detail, onDone) {
  shown = detail;
  const alert = detail.alert;
  const escalations = detail.escalations || [];
  const alarm = alert.dispatch_alarm || [];
  if (!escalations.length) { clear(); return; }
  const parts = [];
  const agencies = {};
  alarm.forEach((a) => { agencies[a.agency] = true; });
  Object.keys(agencies).forEach((agency) => {
    const item = alarm.filter((a) => a.agency === agency).pop();
    const block = el("div", "hs-dispatch__alarm");
    block.setAttribute("role", "alert");
    block.append(el("strong", "hs-dispatch__headline", problemText(item)),
                 phonedForm(alert.id, agency, onDone));
    parts.push(block);
  });
  if (alarm.length) parts.push(el("h3", null, say("readOut")), callSheet(detail.call_sheet));
  const list = el("ul", "hs-dispatch__list");
  escalations.forEach((e) => { list.append(statusLine(e)); });
  parts.push(el("h3", null, say("requests")), list);
  box.replaceChildren.apply(box, parts);
  box.classList.toggle("hs-dispatch--alarm", alarm.length > 0);
  box.hidden = false;
  syncEscalateForm();
}

export function clear() {
  shown = null;
  box.replaceChildren();
  box.classList.remove("hs-dispatch--alarm");
  box.hidden = true;
  syncEscalateForm();
}

// --- The escalate form: nothing ticked by default, a confirmation, a reason to ask again ----
const form = document.querySelector("form[data-action='escalate']");
const repeat = form && form.querySelector("input[name=repeat_reason]");

function alreadyAsked() {
  if (!form || !shown) return [];
  const asked = (shown.escalations || []).map((e) => e.agency);
  return Array.from(form.querySelectorAll("input[name=agencies]:checked"))
    .map((b) => b.value)
    .filter((agency) => asked.indexOf(agency) !== -1);
}

function syncEscalateForm() {
  if (!repeat) return;
  const need = alreadyAsked().length > 0;
  repeat.hidden = !need; // not `required`: the submit check below says why, in words
  repeat.classList.toggle("hs-needed", need);
  if (!need) repeat.value = "";
}

if (form) {
  form.addEventListener("change", syncEscalateForm);
  // Capture phase: runs before detail.js's submit handler, and stops it when not confirmed.
  form.addEventListener("submit", (event) => {
    const error = document.getElementById("action-error");
    const ticked = Array.from(form.querySelectorAll("input[name=agencies]:checked"));
    const stop = (message) => {
      event.preventDefault();
      event.stopImmediatePropagation();
      if (message) error.textContent = message;
    };
    if (!ticked.length) { stop(say("chooseAgency")); return; }
    if (alreadyAsked().length && !repeat.value.trim()) { stop(say("repeatNeeded")); repeat.focus(); return; }
    const names = ticked.map((b) => label("agency." + b.value, b.value)).join(", ");
    if (!window.confirm(say("confirmEscalate", { agencies: names }))) stop(null);
  }, true);
  form.addEventListener("reset", () => { setTimeout(syncEscalateForm, 0); });
}

// --- Sound: a beep every few seconds while any queue row has an alarm (the mute still works) ---
setInterval(() => {
  if (!document.querySelector(".hs-row--dispatch-alarm")) return;
  if (Date.now() - lastBeep < REPEAT_MS) return;
  lastBeep = Date.now();
  beep();
}, 1000);
