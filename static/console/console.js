// @ts-check
/*
 * The operator console: wires the store, the queue, map, video wall and detail panel to the
 * websocket and the console API (docs/console-protocol.md). The queue is replaced by each
 * `snapshot` (sent on every (re)connect) and updated by pushes; the selected alert's detail is
 * re-read over HTTP. A new alert is opened by itself when the operator has none open, cameras
 * and all.
 */
import * as cameraText from "./cameras.js";
import { config, format, label } from "./config.js";
import * as detailView from "./detail.js";
import * as dispatch from "./dispatch.js";
import { createDrafts } from "./drafts.js";
import { createMap } from "./map.js";
import { createNotices } from "./notices.js";
import * as queue from "./queue.js";
import { connect } from "./socket.js";
import * as store from "./store.js";
import { api, beepCount, el, setServerTime, startAudio } from "./util.js";
import { createWall } from "./wall.js";

/**
 * @typedef {import("./store.js").Alert} Alert
 * @typedef {import("./store.js").Detail} Detail
 * @typedef {import("./cameras.js").Camera} Camera
 * @typedef {import("./socket.js").Message} Message
 * @typedef {{id?: number, kind: string, actor?: {id: number, name: string} | null}} TimelineEvent
 */

const POLL_OFFLINE_MS = 10000; // while the socket is away, the queue is polled over HTTP
const WATCH_KEY = "hs-console-watch";

startAudio();

/** @type {Camera[]} nearest cameras of the open alert, in the order of the list and the wall */
let cameras = [];
let manualWall = false; // the operator put a camera on the wall: stop following the nearest
/** @type {ReturnType<typeof setTimeout> | null} */
let refreshTimer = null;

queue.mountQueue({ onSelect: select });
const wall = createWall(/** @type {HTMLElement} */ (document.getElementById("wall")));
const map = createMap(/** @type {HTMLElement} */ (document.getElementById("map")), { onCameraClick: cameraClicked });
const detailPanel = /** @type {HTMLElement} */ (document.getElementById("detail"));
const actions = /** @type {HTMLElement} */ (document.getElementById("actions"));
detailView.bindActions(actions, actionDone);
// Typed text belongs to its alert (issue 15, point 3); alerts that leave the queue say so (point 4).
const drafts = createDrafts(actions);
const notices = createNotices(/** @type {HTMLElement} */ (document.getElementById("notices")));

/** @param {number} id */
function onWall(id) { return wall.has(id); }

function drawCameras() {
  const detail = store.state.detail;
  map.showCameras(cameras, onWall);
  const noLocation = !!detail && (detail.alert.latitude === null || detail.alert.latitude === undefined);
  detailView.renderCameraList(/** @type {HTMLElement} */ (document.getElementById("camera-list")), cameras,
                              { onWall, onPick: putOnWall, noLocation });
}

/** @param {Camera} camera */
function putOnWall(camera) {
  manualWall = true;
  wall.put(camera);
  drawCameras();
}

/** @param {number} id */
function select(id) {
  if (id !== store.state.selectedId) { manualWall = false; store.setDetail(null); }
  drafts.attach(id); // what is typed from now on is for this alert, even before its detail loads
  store.select(id); // the queue marks it; the wall names it when it logs a camera feed opened for it
  load();
}

function load() {
  const id = store.state.selectedId;
  if (!id) return;
  api("GET", "alerts/" + id + "/").then((answer) => {
    if (id !== store.state.selectedId) return;
    if (!answer.ok) { if (answer.status === 404) goneAway(id, null); return; }
    store.setDetail(answer.body);
  });
}

// Re-read the open alert at most every 500 ms however many pushes come (a walking position).
function refreshSoon() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => { refreshTimer = null; load(); }, 500);
}

// The open alert's detail, drawn whenever the store gets a new one.
store.subscribe((topic) => {
  if (topic === "detail" && store.state.detail) show(store.state.detail);
});

/** @param {Detail} body */
function show(body) {
  const alert = body.alert;
  drafts.attach(alert.id); // the forms now show this alert's drafts, and post to it
  detailPanel.hidden = false;
  document.body.classList.toggle("hs-open-duress", !!alert.is_duress);
  const title = /** @type {HTMLElement} */ (document.getElementById("alert-title"));
  title.textContent = (alert.is_duress ? label("kind.duress") : label("kind." + alert.kind)) +
    " #" + alert.id + " · " + label("status." + alert.status);
  title.className = "hs-alert-title" + (alert.is_duress ? " hs-alert-title--duress" : "");
  /** @type {HTMLElement} */ (document.getElementById("alert-address")).textContent =
    alert.latitude === null || alert.latitude === undefined ? label("noLocation") : alert.address || "";
  map.showAlert(body);
  cameras = cameraText.byPole(body.cameras || []); // a pole's cameras together, same numbers everywhere
  if (!manualWall) wall.show(cameras);
  drawCameras();
  detailView.renderPerson(/** @type {HTMLElement} */ (document.getElementById("person")), body);
  detailView.renderTimeline(/** @type {HTMLElement} */ (document.getElementById("timeline")), body.timeline);
  dispatch.show(body, actionDone); // requests to 112/119 and their "phone it now" alarm
  const finished = !store.isOpen(alert);
  actions.classList.toggle("hs-actions--finished", finished);
  // Buttons that would change nothing are off; the server still decides (409 on a race).
  /** @type {HTMLButtonElement} */ (actions.querySelector("[data-action=claim]")).disabled =
    finished || store.claimedByMe(alert);
  /** @type {HTMLButtonElement} */ (actions.querySelector("[data-action=acknowledge]")).disabled =
    finished || alert.status === "acknowledged" || alert.status === "dispatched";
}

function deselect() {
  drafts.attach(null);
  store.setDetail(null);
  store.select(null);
  detailPanel.hidden = true;
  /** @type {HTMLElement} */ (document.getElementById("alert-title")).textContent = "";
  dispatch.clear();
  /** @type {HTMLElement} */ (document.getElementById("alert-address")).textContent = "";
  map.clear();
  wall.clear();
  cameras = [];
  drawCameras();
  openNext();
}

// Nothing open (or only a finished alert still on screen): open the most urgent waiting alert
// by itself, so its cameras are already up. An open alert the operator is on is never swapped.
function openNext() {
  const selectedId = store.state.selectedId;
  if (selectedId && store.alert(selectedId)) return;
  // A finished alert with text typed for it and not sent stays on screen: the operator was told
  // (a notice) and decides; the text never moves to another alert.
  if (selectedId && drafts.texts(selectedId).length) return;
  const next = store.queue()[0];
  if (next) select(next.id);
}

/**
 * `action` and `id` come from the action forms (detail.js); other callers (dispatch.js) give
 * the answer only, for the alert on screen.
 * @param {{alert?: Alert}} body
 * @param {string} [action]
 * @param {number | null} [id]
 */
function actionDone(body, action, id) {
  if (id === undefined) id = body.alert ? body.alert.id : store.state.selectedId;
  if (action && id) {
    drafts.sent(id, action);
    if (!drafts.texts(id).length) notices.released(id);
  }
  if (body.alert) queue.upsert(body.alert, false);
  if (action === "close" && body.alert) notices.closedByMe(body.alert);
  if (id === store.state.selectedId) load();
}

/**
 * `alert` (as last known) left the queue: closed or cancelled, moved to another center, or gone
 * while the socket was away. Say so, and keep what was typed for it where the operator sees it.
 * `moved`: the alert.moved message when it went to another center; no event and no move: it
 * vanished from a snapshot (closed or moved while the socket was away; the detail tells).
 * @param {any} alert
 * @param {TimelineEvent | null | undefined} event
 * @param {Message | null} moved
 */
function leftQueue(alert, event, moved) {
  if (!alert) return;
  const selectedId = store.state.selectedId;
  const mine = event && event.actor && event.actor.id === config.user.id;
  if (mine && event && event.kind === "closed") { // the answer to my own close says it (actionDone)
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

/**
 * The open alert can no longer be shown (moved away, or 404): its drafts go to a notice to copy.
 * @param {number} id
 * @param {Alert | null} alert
 */
function goneAway(id, alert) {
  const kept = drafts.take(id);
  if (!alert && store.alert(id) === undefined) notices.left({ id }, null, null);
  notices.kept(id, kept);
  if (id === store.state.selectedId) deselect();
}

/**
 * A whole new queue (snapshot, or the HTTP poll while offline): what is no longer in it says so.
 * @param {Alert[]} alerts
 */
function replaceQueue(alerts) {
  const had = Array.from(store.state.alerts.values());
  queue.replaceAll(alerts);
  had.forEach((alert) => { if (!store.alert(alert.id)) leftQueue(alert, null, null); });
}

/**
 * @param {Alert | undefined} before
 * @param {Message} message
 */
function gone(before, message) {
  if (before && !store.alert(before.id)) leftQueue(message.alert || before, message.event, null);
}

/**
 * A camera clicked on the map goes on the wall; one outside the nearest list is looked up
 * (the map layer carries no stream URLs) at its own position (several cameras may share a
 * pole), its distance measured from the alert.
 * @param {number} id
 * @param {{lat: number, lng: number}} latlng
 */
function cameraClicked(id, latlng) {
  const known = cameras.find((c) => c.id === id);
  if (known) { putOnWall(known); return; }
  const detail = store.state.detail;
  const alert = detail && detail.alert;
  const located = !!alert && alert.latitude !== null && alert.latitude !== undefined;
  /**
   * @param {number | null} lat
   * @param {number | null} lng
   * @param {number} limit
   * @param {number} radius
   * @returns {Promise<Camera | null>}
   */
  function nearest(lat, lng, limit, radius) {
    return api("GET", "/api/v1/cameras/nearest/?limit=" + limit + "&radius=" + Math.ceil(radius) +
               "&latitude=" + lat + "&longitude=" + lng)
      .then((answer) => (answer.ok && answer.body.find((/** @type {Camera} */ c) => c.id === id)) || null);
  }
  // Asked from the alert, the row's distance, direction and in-view are the alert's own.
  const fromAlert = located && alert
    ? nearest(alert.latitude, alert.longitude, 50, map.map.distance([alert.latitude, alert.longitude], latlng) + 10)
    : Promise.resolve(null);
  fromAlert.then((camera) => {
    if (camera) { putOnWall(camera); return; }
    return nearest(latlng.lat, latlng.lng, 20, 5).then((far) => {
      if (!far) return;
      // Asked from the camera's own spot: what it says about direction and view is not about
      // the alert, so it is left unknown rather than wrong.
      far.distance_m = located && alert
        ? map.map.distance([alert.latitude, alert.longitude], [far.latitude, far.longitude]) : null;
      far.bearing_deg = null;
      far.in_view = null;
      putOnWall(far);
    });
  }).catch(() => {
    // The camera did not reach the wall: say so where actions report their failures.
    const error = document.getElementById("action-error");
    if (error) error.textContent = format(label("failed"), { detail: label("offline") });
  });
}

// --- Pushes ---------------------------------------------------------------------------------
/** @param {Message} message */
function handle(message) {
  switch (message.type) {
    case "snapshot":
      setServerTime(message.server_time);
      replaceQueue(message.alerts || []);
      renderPresence(message.presence || {});
      if (store.state.selectedId) refreshSoon(); // closed meanwhile or not: show where it stands now
      openNext();
      break;
    case "alert.created":
      queue.upsert(message.alert, true);
      openNext();
      if (message.alert.id === store.state.selectedId) refreshSoon();
      break;
    case "alert.updated":
    case "alert.claimed": {
      const before = store.alert(message.alert.id);
      if (message.event && message.event.kind === "unclaimed_alarm") queue.realarm(message.alert);
      else queue.upsert(message.alert, false);
      gone(before, message);
      if (message.alert.id === store.state.selectedId) refreshSoon();
      openNext();
      break;
    }
    case "alert.moved":
      // The server says whether the alert is still the user's to see (`visible`).
      if (message.visible === false || !message.alert) {
        const last = store.alert(message.alert_id);
        store.removeAlert(message.alert_id);
        if (last || message.alert_id === store.state.selectedId) leftQueue(last || { id: message.alert_id }, message.event, message);
      } else {
        queue.upsert(message.alert, false);
        if (message.alert.id === store.state.selectedId) refreshSoon();
      }
      break;
    case "alert.timeline":
      if (message.alert_id === store.state.selectedId) refreshSoon();
      break;
    case "presence":
      renderPresence(message.presence || {});
      break;
    default:
      break; // unknown types are ignored: the protocol may grow
  }
}

/** @param {Record<string, {name: string, role: string}[]>} presence */
function renderPresence(presence) {
  const box = /** @type {HTMLElement} */ (document.getElementById("presence"));
  /** @type {Record<string, string>} */
  const names = {};
  config.centers.forEach((c) => { names[c.code] = c.name; });
  const codes = Object.keys(presence).sort();
  box.replaceChildren(...codes.map((code) => {
    const people = presence[code] || [];
    const chip = el("span", "hs-duty" + (code === config.user.center ? " hs-duty--own" : ""));
    chip.append(el("strong", null, code === "*" ? label("allCenters") : names[code] || code),
                el("span", null, people.length ? people.map((p) => p.name).join(", ") : label("noneOnDuty")));
    chip.title = people.map((p) => p.name + " (" + label("role." + p.role, p.role) + ")").join("\n");
    return chip;
  }));
}

// --- Offline: poll the queue over HTTP until the socket is back -----------------------------
/** @type {ReturnType<typeof setInterval> | null} */
let pollTimer = null;
function poll() {
  api("GET", "queue/").then((answer) => {
    if (answer.ok) { replaceQueue(answer.body); openNext(); }
  }, () => {});
}
store.subscribe((topic) => {
  if (topic !== "connection") return;
  if (store.state.connection === "online") {
    if (pollTimer) clearInterval(pollTimer);
    pollTimer = null;
  } else if (store.state.connection !== "connecting" && !pollTimer) {
    pollTimer = setInterval(poll, POLL_OFFLINE_MS);
  }
});
const socket = connect({ onMessage: handle });

// --- Controls -------------------------------------------------------------------------------
document.querySelectorAll("[data-layout]").forEach((node) => {
  const button = /** @type {HTMLElement} */ (node);
  button.addEventListener("click", () => {
    const shown = wall.setLayout(Number(button.dataset.layout));
    document.querySelectorAll("[data-layout]").forEach((b) => { b.setAttribute("aria-pressed", String(b === button)); });
    // Fill the new layout with what was shown, then the nearest cameras not yet shown.
    const ids = new Set(shown.map((c) => c.id));
    wall.show(shown.concat(cameras.filter((c) => !ids.has(c.id))));
    drawCameras();
  });
});

// No global mute (issue 15, point 8): this silences the alerts waiting now, each with its
// reminder; an SOS that comes later still sounds.
/** @type {HTMLElement} */ (document.getElementById("mute")).addEventListener("click", () => {
  if (document.body.classList.contains("hs-sound-blocked")) return; // this click unlocks audio
  queue.silenceAll();
});

// Supervisors: which centers to watch (all by default), remembered in this browser.
const watch = document.getElementById("watch");
if (watch) {
  /** @type {HTMLInputElement[]} */
  const boxes = Array.from(watch.querySelectorAll("input[name=watch]"));
  let saved = null;
  try { saved = JSON.parse(localStorage.getItem(WATCH_KEY) || "null"); } catch (error) { saved = null; }
  if (Array.isArray(saved)) {
    const chosen = saved;
    boxes.forEach((b) => { b.checked = chosen.indexOf(b.value) !== -1; });
  }
  const applyWatch = () => {
    const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
    const all = chosen.length === boxes.length;
    localStorage.setItem(WATCH_KEY, JSON.stringify(all ? null : chosen));
    /** @type {HTMLElement} */ (document.getElementById("watch-summary")).textContent = all ? label("allCenters")
      : boxes.filter((b) => b.checked).map((b) => (b.parentNode && b.parentNode.textContent || "").trim()).join(", ") || "—";
    store.setWatched(all ? null : new Set(chosen));
  };
  boxes.forEach((b) => { b.addEventListener("change", applyWatch); });
  applyWatch();
}

// For tests and the browser console: a read-only look at the state, and the API helper.
/** @type {any} */ (window).HSConsole = {
  selectedId: () => store.state.selectedId,
  socketOpen: () => socket.isOpen(),
  beeps: beepCount,
  silenced: () => Array.from(store.state.silenced.keys()),
  map: map.map,
  api,
};
