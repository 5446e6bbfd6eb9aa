// @ts-check
/*
 * The alert queue: the store's open alerts, duress first, then SOS, then overdue trips, oldest
 * first within each (the server's `priority`), with a running golden-time clock.
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
import { format, label } from "./config.js";
import { decorateRow } from "./dispatch.js";
import * as store from "./store.js";
import { beep, el, elapsed, meters } from "./util.js";

/** @typedef {import("./store.js").Alert} Alert */
/** @typedef {{chain: Alert[], index: number}} Group */

const REPEAT_ALARM_MS = 15000;
const SILENCE_MS = 120000;
const GROUP_WINDOW_MS = 5 * 60 * 1000;
const GOLDEN_WARN_S = 180, GOLDEN_LATE_S = 300;

const list = /** @type {HTMLElement} */ (document.getElementById("queue"));
const tray = /** @type {HTMLElement} */ (document.getElementById("queue-new"));
const trayBox = /** @type {HTMLElement} */ (document.getElementById("queue-new-box"));
const count = /** @type {HTMLElement} */ (document.getElementById("queue-count"));
const newCount = /** @type {HTMLElement} */ (document.getElementById("queue-new-count"));
const alarm = /** @type {HTMLElement} */ (document.getElementById("alarm"));
const received = store.receivedAt;

let lastBeep = 0;
/** @type {(id: number) => void} */
let onSelect = () => {};

/**
 * Citizen -> chains of their alerts, each within GROUP_WINDOW_MS of the one before.
 * @param {Alert[]} rows
 * @returns {Map<number, Group>}
 */
function groups(rows) {
  /** @type {Map<number, Alert[][]>} */
  const byCitizen = new Map();
  rows.slice().sort((a, b) => received(a) - received(b) || a.id - b.id).forEach((alert) => {
    const who = alert.citizen && alert.citizen.id;
    if (!who) return;
    const chains = byCitizen.get(who) || [];
    const last = chains[chains.length - 1];
    if (last && received(alert) - received(last[last.length - 1]) <= GROUP_WINDOW_MS) last.push(alert);
    else chains.push([alert]);
    byCitizen.set(who, chains);
  });
  /** @type {Map<number, Group>} */
  const of = new Map();
  byCitizen.forEach((chains) => {
    chains.forEach((chain) => {
      if (chain.length < 2) return;
      chain.forEach((alert, index) => { of.set(alert.id, { chain, index }); });
    });
  });
  return of;
}

/**
 * Members of one group next to each other, where the group's first member would stand.
 * @param {Alert[]} rows
 * @param {Map<number, Group>} grouping
 */
function together(rows, grouping) {
  const placed = new Set();
  /** @type {Alert[]} */
  const out = [];
  rows.forEach((alert) => {
    if (placed.has(alert.id)) return;
    const group = grouping.get(alert.id);
    const members = group ? group.chain.filter((a) => rows.indexOf(a) !== -1 && !placed.has(a.id)) : [alert];
    members.forEach((a) => { placed.add(a.id); out.push(a); });
  });
  return out;
}

/** @param {Alert} alert */
function kindLabel(alert) {
  if (alert.is_duress) return label("kind.duress");
  return label("kind." + alert.kind, alert.kind);
}

/** @param {Alert} alert */
function accuracyText(alert) {
  if (alert.latitude === null || alert.latitude === undefined) return label("noLocation");
  const text = alert.accuracy !== null && alert.accuracy !== undefined ? "±" + meters(alert.accuracy) : "±?";
  return alert.location_stale ? text + " (" + label("stale") + ")" : text;
}

/**
 * @param {Alert} alert
 * @param {Group | undefined} group
 */
function row(alert, group) {
  const waiting = store.waiting(alert);
  const silenced = store.isSilenced(alert);
  const item = el("li", "hs-row");
  item.dataset.alertId = String(alert.id);
  item.tabIndex = 0;
  item.classList.add("hs-row--" + alert.kind);
  if (alert.is_duress) item.classList.add("hs-row--duress");
  if (waiting) item.classList.add("hs-row--new");
  if (waiting && silenced) item.classList.add("hs-row--silenced");
  if (alert.id === store.state.selectedId) item.classList.add("hs-row--selected");
  const top = el("div", "hs-row__top");
  top.append(el("span", "hs-clock", ""), el("span", "hs-kind", kindLabel(alert)),
             el("span", "hs-trigger", label("trigger." + alert.trigger, alert.trigger)),
             el("span", "hs-row__id", "#" + alert.id));
  const who = el("div", "hs-row__who");
  who.append(el("span", "hs-citizen", alert.citizen ? alert.citizen.name : "—"),
             el("span", "hs-accuracy", accuracyText(alert)));
  const status = el("div", "hs-row__state");
  status.append(el("span", "hs-status hs-status--" + alert.status, label("status." + alert.status)),
                el("span", "hs-owner", alert.claimed_by ? alert.claimed_by.name : label("unassigned")),
                el("span", "hs-center", (alert.center ? alert.center.name : "—") +
                   (alert.out_of_area ? " · " + label("outOfArea") : "")));
  item.append(top, who);
  if (alert.address) item.append(el("div", "hs-row__address", alert.address));
  item.append(status);
  decorateRow(item, alert); // "112 연계 안 됨 — 지금 112에 전화하세요"
  if (group) {
    item.classList.add(group.index ? "hs-row--repeat" : "hs-row--group-first");
    item.append(el("div", "hs-row__group", group.index
      ? format(label("queueNotices.repeat"), { n: group.index + 1, total: group.chain.length, first: group.chain[0].id })
      : format(label("queueNotices.groupFirst"), { total: group.chain.length })));
  }
  if (waiting) {
    const hush = el("button", "hs-silence", silenced ? label("queueNotices.silenced") : label("queueNotices.silence"));
    hush.type = "button";
    hush.dataset.silence = String(alert.id);
    hush.setAttribute("aria-pressed", String(silenced));
    hush.title = label("queueNotices.silenceHelp");
    hush.addEventListener("click", (event) => {
      event.stopPropagation(); // silencing is not opening
      store.silence([alert.id], Date.now() + SILENCE_MS);
    });
    status.append(hush);
  }
  item.addEventListener("click", () => { onSelect(alert.id); });
  item.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target === item) onSelect(alert.id);
  });
  return item;
}

function render() {
  const rows = store.queue();
  const grouping = groups(rows);
  const fresh = rows.filter(store.waiting).sort((a, b) =>
    (Number(b.is_duress) - Number(a.is_duress)) || (received(b) - received(a)) || (b.id - a.id));
  const rest = rows.filter((a) => !store.waiting(a));
  tray.replaceChildren(...together(fresh, grouping).map((a) => row(a, grouping.get(a.id))));
  trayBox.hidden = !fresh.length;
  newCount.textContent = String(fresh.length);
  list.replaceChildren(...together(rest, grouping).map((a) => row(a, grouping.get(a.id))));
  if (!rows.length) list.append(el("li", "hs-empty", label("noAlerts")));
  count.textContent = String(rows.length);
  clocks();
  updateAlarm();
}

// The golden-time clocks only, so a row being clicked is never rebuilt under the pointer.
function clocks() {
  document.querySelectorAll("#queue .hs-row, #queue-new .hs-row").forEach((node) => {
    const item = /** @type {HTMLElement} */ (node);
    const alert = store.alert(Number(item.dataset.alertId));
    if (!alert) return;
    const golden = elapsed(alert.received_at);
    const clock = /** @type {HTMLElement} */ (item.querySelector(".hs-clock"));
    clock.textContent = golden.text;
    clock.classList.toggle("hs-clock--warn", golden.seconds >= GOLDEN_WARN_S);
    clock.classList.toggle("hs-clock--late", golden.seconds >= GOLDEN_LATE_S);
  });
}

// Once a second: the clocks, the silences that end (their reminder), the repeating alarm.
function tick() {
  if (store.endSilences(Date.now()).length) ring(); // the store's change re-renders the rows
  clocks();
  if (store.loud().length && Date.now() - lastBeep > REPEAT_ALARM_MS) ring();
}

function ring() {
  lastBeep = Date.now();
  beep();
}

function updateAlarm() {
  const waitingNow = store.pending();
  const loud = store.loud();
  const on = waitingNow.length > 0;
  const quiet = waitingNow.length - loud.length;
  document.body.classList.toggle("hs-alarming", on);
  document.body.classList.toggle("hs-alarming--quiet", on && !loud.length);
  document.body.classList.toggle("hs-alarming--duress", waitingNow.some((a) => a.is_duress));
  const text = on ? format(label("newAlerts"), { n: waitingNow.length }) +
    (quiet ? " · " + format(label("queueNotices.quietCount"), { n: quiet }) : "") : "";
  if (alarm.textContent !== text) alarm.textContent = text;
  alarm.hidden = !on;
}

/**
 * Draw the queue from the store, and keep it drawn; `select(id)` opens a clicked row.
 * @param {{onSelect: (id: number) => void}} options
 */
export function mountQueue(options) {
  onSelect = options.onSelect;
  store.subscribe((topic) => {
    if (topic === "alerts" || topic === "selection" || topic === "watched" || topic === "silenced") render();
  });
  setInterval(tick, 1000); // the first snapshot draws the queue
}

/**
 * A whole new queue (snapshot or poll): a new waiting alert sounds. Returns the new ones.
 * @param {Alert[]} alerts
 */
export function replaceAll(alerts) {
  const fresh = store.replaceAlerts(alerts);
  if (fresh.length) ring();
  return fresh;
}

/**
 * One alert from a push or an action's answer: a new arrival sounds (when `isNew`, or waiting).
 * @param {Alert} alert
 * @param {boolean} isNew
 */
export function upsert(alert, isNew) {
  const arrived = store.upsertAlert(alert);
  if (arrived && (isNew || store.waiting(alert))) ring();
  return arrived;
}

/**
 * The server's claim-timeout alarm: ring now even for an alert we already show, unless the
 * operator silenced it (its reminder comes when the silence ends).
 * @param {Alert} alert
 */
export function realarm(alert) {
  store.upsertAlert(alert);
  if (store.waiting(alert) && !store.isSilenced(alert)) ring();
}

/** Silence every alert waiting now (not those that come later). */
export function silenceAll() {
  store.silence(store.pending().map((a) => a.id), Date.now() + SILENCE_MS);
}
