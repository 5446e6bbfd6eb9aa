// @ts-check
/*
 * The selected alert: the person panel, the nearest-camera list, the timeline and the actions.
 * Actions are HTTP POSTs to the console API (the websocket never carries actions); the answer is
 * authoritative and the push that follows keeps the other consoles in step.
 */
import * as cameraText from "./cameras.js";
import { config, format, label } from "./config.js";
import * as store from "./store.js";
import { api, dateTime, el, time } from "./util.js";

/** @param {[string, unknown][]} rows */
function dl(rows) {
  const list = el("dl", "hs-facts");
  rows.forEach((pair) => {
    if (pair[1] === null || pair[1] === undefined || pair[1] === "") return;
    list.append(el("dt", null, pair[0]), el("dd", null, pair[1]));
  });
  return list;
}

/**
 * @param {HTMLElement} box
 * @param {import("./store.js").Detail} detail
 */
export function renderPerson(box, detail) {
  const person = detail.person || {};
  const alert = detail.alert;
  const header = el("div", "hs-person__head");
  if (alert.is_duress) header.append(el("span", "hs-duress-badge", label("kind.duress")));
  header.append(el("strong", "hs-person__name", person.name || (alert.citizen && alert.citizen.name) || "—"));
  const phone = person.phone || (alert.citizen && alert.citizen.phone) || "";
  const tel = el("a", "hs-person__phone", phone);
  tel.href = "tel:" + phone;
  header.append(tel);
  const parts = [header];

  const guardians = el("ul", "hs-guardians");
  (person.guardians || []).forEach((g) => {
    guardians.append(el("li", null, [g.name, g.relation, g.phone].filter(Boolean).join(" · ")));
  });
  if (!guardians.children.length) guardians.append(el("li", "hs-empty", label("noneOnDuty")));
  parts.push(el("h3", null, label("guardians")), guardians);

  const trip = person.active_trip || alert.trip;
  if (trip) {
    parts.push(el("h3", null, label("trip")), dl([
      [label("destination"), trip.destination_name || "—"],
      [label("expected"), dateTime(trip.expected_arrival)],
      [label("tripStatus"), label("tripState." + trip.status, trip.status)],
    ]));
  }
  const earlier = el("ul", "hs-earlier");
  (person.earlier_alerts || []).forEach((a) => {
    earlier.append(el("li", a.is_duress ? "hs-earlier--duress" : null,
      dateTime(a.received_at) + " " + (a.is_duress ? label("kind.duress") : label("kind." + a.kind, a.kind)) +
      " · " + label("status." + a.status, a.status) + (a.disposition ? " · " + label("disposition." + a.disposition, a.disposition) : "")));
  });
  if ((person.earlier_alerts || []).length) parts.push(el("h3", null, label("earlier")), earlier);
  box.replaceChildren.apply(box, parts);
}

/** @param {{data?: Record<string, any>}} event */
function eventText(event) {
  const data = event.data || {};
  const bits = [];
  if (data.text) bits.push(data.text);
  if (data.agencies) bits.push(data.agencies.map((a) => label("agency." + a, a)).join(", "));
  if (data.agency) bits.push(label("agency." + data.agency, data.agency));
  if (data.reason) bits.push(data.reason);
  if (data.repeat_reason) bits.push(data.repeat_reason);
  if (data.reference) bits.push(data.reference);
  if (data.error) bits.push(data.error);
  if (data.disposition) bits.push(label("disposition." + data.disposition, data.disposition));
  if (data.note) bits.push(data.note);
  if (data.from || data.to) {
    const name = (c) => c && (c.name || c.code || c);
    bits.push((name(data.from) || "—") + " → " + (name(data.to) || "—"));
  }
  return bits.join(" · ");
}

/**
 * @param {HTMLElement} list
 * @param {any[] | undefined} events  the server's timeline entries, oldest first
 */
export function renderTimeline(list, events) {
  list.replaceChildren.apply(list, (events || []).slice().reverse().map((event) => {
    const item = el("li", "hs-event hs-event--" + event.kind + (event.alarms ? " hs-event--alarm" : ""));
    item.dataset.eventId = event.id;
    // The server names every kind (alerts/timeline.py): the entry's label, else the config's.
    item.append(el("time", null, time(event.created_at)),
                el("strong", null, event.label || label("event." + event.kind)),
                el("span", "hs-event__actor", event.actor ? event.actor.name : label("system")));
    const text = eventText(event);
    if (text) item.append(el("span", "hs-event__text", text));
    return item;
  }));
}

/**
 * @param {HTMLElement} list
 * @param {import("./cameras.js").Camera[]} cameras
 * @param {{onWall: (id: number) => boolean, onPick: (camera: import("./cameras.js").Camera) => void,
 *          noLocation: boolean}} options
 */
export function renderCameraList(list, cameras, options) {
  if (options.noLocation) { // no position to search around: not "no cameras within 500 m"
    list.replaceChildren(el("li", "hs-empty hs-no-location", label("noLocation")));
    return;
  }
  if (!cameras.length) {
    list.replaceChildren(el("li", "hs-empty", format(label("noCameras"), { m: config.nearest.radius })));
    return;
  }
  // Cameras on one pole (cameraText.byPole keeps them together) under one heading.
  const items = [];
  cameras.forEach((camera, index) => {
    const onPole = camera.pole_size > 1;
    if (onPole && (index === 0 || cameras[index - 1].pole !== camera.pole)) {
      const head = el("li", "hs-camera-pole", format(label("camera.pole"), { n: camera.pole_size }) +
                       (camera.address ? " · " + camera.address : ""));
      head.dataset.pole = camera.pole;
      items.push(head);
    }
    const item = el("li", "hs-camera-item" + (onPole ? " hs-camera-item--pole" : "") +
                     (options.onWall(camera.id) ? " hs-camera-item--on-wall" : ""));
    item.dataset.cameraId = camera.id;
    if (onPole) item.dataset.pole = camera.pole;
    const facts = el("span", "hs-camera-item__facts");
    const facing = cameraText.facing(camera);
    facts.append(cameraText.where(camera));
    if (facing) facts.append(facing);
    facts.append(cameraText.view(camera));
    if (camera.status !== "active") {
      facts.append(el("span", "hs-tile__status hs-tile__status--" + camera.status, label("cameraStatus." + camera.status, camera.status)));
    }
    item.append(el("span", "hs-camera-item__n", index + 1),
                el("span", "hs-camera-item__name", cameraText.name(camera)),
                facts,
                // The address once: a pole's heading already says it.
                el("span", "hs-camera-item__address", onPole ? "" : camera.address || ""));
    item.addEventListener("click", () => { options.onPick(camera); });
    items.push(item);
  });
  list.replaceChildren.apply(list, items);
}

/**
 * Wires the action buttons and forms to the open alert; `done(answer, action, id)` gets each success.
 * @param {HTMLElement} root
 * @param {(body: any, action: string, id: number) => void} done
 */
export function bindActions(root, done) {
  const currentId = () => store.state.selectedId;
  const error = document.getElementById("action-error");
  const disposition = root.querySelector("select[name=disposition]");
  Object.keys(config.labels.disposition).forEach((key) => {
    const option = el("option", null, label("disposition." + key));
    option.value = key;
    disposition.append(option);
  });

  // A form's action goes to the alert its text was typed for (its data-alert-id, drafts.js),
  // never to whatever is selected by the time the answer comes; a failure keeps the text.
  /**
   * @param {string} action
   * @param {object} body
   * @param {HTMLFormElement} [form]
   */
  function post(action, body, form) {
    const id = form && form.dataset.alertId ? Number(form.dataset.alertId) : currentId();
    if (!id) return;
    error.textContent = "";
    const failed = (detail) => {
      error.textContent = "#" + id + " · " + format(label("failed"), { detail: detail });
    };
    api("POST", "alerts/" + id + "/" + action, body).then((answer) => {
      if (answer.ok) {
        done(answer.body, action, id);
        return;
      }
      const b = answer.body || {};
      const detail = b.code === "claimed" && b.claimed_by
        ? format(label("claimedBy"), { name: b.claimed_by.name })
        : answer.status === 404 ? label("queueNotices.notVisible")
        : b.detail || Object.keys(b).map((k) => k + ": " + [].concat(b[k]).join(" ")).join("; ") || answer.status;
      failed(detail);
    }, () => {
      failed(label("offline"));
    });
  }

  root.querySelectorAll("button[data-action]").forEach((button) => {
    button.addEventListener("click", () => { post(button.dataset.action, {}); });
  });
  root.querySelectorAll("form[data-action]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const data = new FormData(form);
      let body = {};
      if (form.dataset.action === "escalate") {
        body = { agencies: data.getAll("agencies"), reason: data.get("reason"), repeat_reason: data.get("repeat_reason") || "" };
      }
      else data.forEach((value, key) => { body[key] = value; });
      if (form.dataset.action === "close" && !window.confirm(format(label("queueNotices.confirmClose"), {
        id: form.dataset.alertId || currentId(),
        disposition: label("disposition." + body.disposition, body.disposition),
      }))) return;
      post(form.dataset.action, body, form);
    });
  });
}
