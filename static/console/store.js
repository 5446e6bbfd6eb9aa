// @ts-check
/*
 * The console's one state: the alerts the server sent, which one is open, its detail, the
 * connection, the supervisor's watched centers and the silenced alerts. Modules change it only
 * through the functions below and learn of changes by subscribing; nothing else keeps a copy.
 *
 * What the server sends is already what this user may see (console/visibility.py): the store never
 * re-decides that. It drops the alerts the server says are no longer open (each alert's `is_open`,
 * Alert.is_open) or that a push says left the user's view (alert.moved with `visible: false`).
 */
import { config } from "./config.js";

/**
 * @typedef {import("./config.js").CenterBrief} CenterBrief
 * @typedef {{id: number, name: string}} UserBrief
 * @typedef {{
 *   id: number, kind: string, trigger: string, status: string, is_duress: boolean,
 *   priority: number, is_open: boolean, center: CenterBrief | null, border_centers: CenterBrief[],
 *   out_of_area: boolean, latitude: number | null, longitude: number | null,
 *   accuracy: number | null, location_stale: boolean, address: string,
 *   received_at: string, claimed_by: UserBrief | null, disposition: string | null,
 *   citizen: {id: number, name: string, phone?: string} | null, trip: any,
 *   dispatch_alarm: {agency: string, problem: string}[],
 * }} Alert
 * @typedef {{alert: Alert, cameras?: any[], timeline?: any[], trail?: any[], person?: any,
 *            escalations?: any[], call_sheet?: any[]}} Detail
 * @typedef {"connecting" | "online" | "offline" | "forbidden"} Connection
 * @typedef {"alerts" | "selection" | "detail" | "connection" | "watched" | "silenced"} Topic
 */

export const state = {
  /** @type {Map<number, Alert>} open alerts by id, as last sent by the server */
  alerts: new Map(),
  /** @type {number | null} the alert open in the detail panel */
  selectedId: null,
  /** @type {Detail | null} the open alert's detail, as last read over HTTP */
  detail: null,
  /** @type {Connection} */
  connection: "connecting",
  /** @type {Set<string> | null} a supervisor's chosen centers; null: all the server sends */
  watched: null,
  /** @type {Map<number, number>} alert id -> time (ms) its silence ends */
  silenced: new Map(),
};

/** @type {Set<(topic: Topic) => void>} */
const listeners = new Set();

/**
 * Call `listener(topic)` after every change; returns the unsubscribe function.
 * @param {(topic: Topic) => void} listener
 */
export function subscribe(listener) {
  listeners.add(listener);
  return () => { listeners.delete(listener); };
}

/** @param {Topic} topic */
function changed(topic) {
  listeners.forEach((listener) => listener(topic));
}

// --- Reading --------------------------------------------------------------------------------

/**
 * In the operators' queue, as the server says (Alert.is_open: not closed, not cancelled unless
 * duress).
 * @param {Alert} alert
 */
export function isOpen(alert) { return alert.is_open === true; }

/**
 * In the queue on this screen: open, and in a watched center (a supervisor's own choice of what
 * to look at among the alerts the server sent, by their center or border band).
 * @param {Alert} alert
 */
export function inQueue(alert) {
  if (!isOpen(alert)) return false;
  const watched = state.watched;
  if (!watched) return true;
  const codes = [alert.center && alert.center.code, ...(alert.border_centers || []).map((c) => c.code)];
  return codes.some((code) => !!code && watched.has(code));
}

/** @param {Alert} alert */
export function receivedAt(alert) { return Date.parse(alert.received_at); }

/**
 * The queue in the server's order: its `priority` (Alert.operator_priority), then the
 * oldest first, as the server's own open_queue sorts.
 * @returns {Alert[]}
 */
export function queue() {
  return Array.from(state.alerts.values()).filter(inQueue)
    .sort((a, b) => (a.priority - b.priority) || (receivedAt(a) - receivedAt(b)) || (a.id - b.id));
}

/** Nobody has claimed it yet. @param {Alert} alert */
export function waiting(alert) { return alert.status === "received" && !alert.claimed_by; }

/** @param {Alert} alert */
export function isSilenced(alert) { return state.silenced.has(alert.id); }

/** The waiting alerts in the queue. */
export function pending() { return queue().filter(waiting); }

/** The waiting alerts not silenced: what the alarm sounds for. */
export function loud() { return pending().filter((a) => !isSilenced(a)); }

/** @param {number} id */
export function alert(id) { return state.alerts.get(id); }

// --- Changing -------------------------------------------------------------------------------

/** @param {Alert} next */
function put(next) {
  const known = state.alerts.has(next.id);
  if (isOpen(next)) state.alerts.set(next.id, next);
  else state.alerts.delete(next.id);
  return !known && isOpen(next) && inQueue(next);
}

/**
 * A whole new queue (a snapshot, or the HTTP poll while offline). Returns the alerts that are
 * new and waiting on this screen.
 * @param {Alert[]} list
 * @returns {Alert[]}
 */
export function replaceAlerts(list) {
  const before = new Set(state.alerts.keys());
  state.alerts = new Map();
  const fresh = list.filter((next) => {
    put(next);
    return !before.has(next.id) && waiting(next) && inQueue(next);
  });
  changed("alerts");
  return fresh;
}

/**
 * One alert from a push or an action's answer. Returns true when it is a new arrival here.
 * @param {Alert} next
 */
export function upsertAlert(next) {
  const arrived = put(next);
  changed("alerts");
  return arrived;
}

/** @param {number} id */
export function removeAlert(id) {
  state.alerts.delete(id);
  changed("alerts");
}

/** @param {number | null} id */
export function select(id) {
  state.selectedId = id;
  changed("selection");
}

/** @param {Detail | null} detail */
export function setDetail(detail) {
  state.detail = detail;
  changed("detail");
}

/** @param {Connection} connection */
export function setConnection(connection) {
  if (state.connection === connection) return;
  state.connection = connection;
  changed("connection");
}

/** @param {Set<string> | null} codes */
export function setWatched(codes) {
  state.watched = codes;
  changed("watched");
}

/**
 * Silence these alerts (those still waiting) until `until` (ms).
 * @param {number[]} ids
 * @param {number} until
 */
export function silence(ids, until) {
  ids.forEach((id) => {
    const known = state.alerts.get(id);
    if (known && waiting(known)) state.silenced.set(id, until);
  });
  changed("silenced");
}

/**
 * Forget the silences of alerts no longer waiting; end those due by `now`. Returns the ids whose
 * silence just ended (their reminder is due).
 * @param {number} now
 * @returns {number[]}
 */
export function endSilences(now) {
  /** @type {number[]} */
  const ended = [];
  state.silenced.forEach((until, id) => {
    const known = state.alerts.get(id);
    if (!known || !waiting(known)) state.silenced.delete(id);
    else if (until <= now) { state.silenced.delete(id); ended.push(id); }
  });
  if (ended.length) changed("silenced");
  return ended;
}

/** Whether this alert is mine (claimed by the logged-in user). @param {Alert} a */
export function claimedByMe(a) {
  return !!a.claimed_by && a.claimed_by.id === config.user.id;
}
