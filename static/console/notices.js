// @ts-check
/*
 * Notices at the top of the queue (issue 15, points 3 and 4): nothing leaves the operator's queue
 * silently. An alert closed by someone else, cancelled by the citizen, moved to another center or
 * gone while the socket was away says so; a close of one's own says it succeeded; text typed for
 * an alert that went away is kept here, read-only, to copy. Plain notices fade after NOTICE_MS;
 * kept text stays until dismissed.
 */
import { format, label } from "./config.js";
import { el, time } from "./util.js";

const NOTICE_MS = 120000;
const MAX_NOTICES = 6;

/** @param {string} key */
function notice(key) { return label("queueNotices." + key); }

/** @param {{id: number, citizen?: {name: string} | null}} alert */
function who(alert) {
  const name = alert.citizen && alert.citizen.name;
  return "#" + alert.id + (name ? " " + name : "");
}

/** @param {HTMLElement} box  the notices list under the tray */
export function createNotices(box) {
  /**
   * @param {string} kind
   * @param {string} text
   * @param {number} [alertId]
   * @param {HTMLElement | null} [extra]
   * @param {boolean} [sticky]  stays until dismissed
   */
  function add(kind, text, alertId, extra, sticky) {
    const item = el("li", "hs-notice hs-notice--" + kind);
    if (alertId) item.dataset.alertId = alertId;
    item.append(el("time", null, time(new Date().toISOString())), el("span", "hs-notice__text", text));
    if (extra) item.append(extra);
    const dismiss = el("button", "hs-notice__dismiss", "×");
    dismiss.type = "button";
    dismiss.title = notice("dismiss");
    dismiss.setAttribute("aria-label", notice("dismiss"));
    dismiss.addEventListener("click", () => { item.remove(); });
    item.append(dismiss);
    box.prepend(item);
    if (!sticky) setTimeout(() => { item.remove(); }, NOTICE_MS);
    // Too many: the oldest plain ones go first; kept text is never dropped by itself.
    const plain = Array.from(box.querySelectorAll(".hs-notice:not(.hs-notice--kept)"));
    plain.slice(MAX_NOTICES).forEach((old) => { old.remove(); });
    return item;
  }

  return {
    left: (alert, event, moved) => {
      const values = { alert: who(alert) };
      let text;
      if (moved) {
        values.to = moved.to ? moved.to.name : "—";
        values.by = moved.by ? moved.by.name : label("system");
        text = format(notice("moved"), values);
      } else if (alert.status === "closed") {
        values.by = event && event.actor ? event.actor.name : label("system");
        values.disposition = label("disposition." + alert.disposition, alert.disposition || "—");
        text = format(notice("closedBy"), values);
      } else if (alert.status === "cancelled") {
        text = format(notice("cancelled"), values);
      } else {
        text = format(notice("leftUnknown"), values);
      }
      add(moved ? "moved" : alert.status || "left", text, alert.id);
    },
    closedByMe: (alert) => {
      add("done", format(notice("closedByMe"), {
        alert: who(alert), disposition: label("disposition." + alert.disposition, alert.disposition),
      }), alert.id);
    },
    // The text held for a finished alert was sent (or cleared): its notice has done its job.
    released: (id) => {
      box.querySelectorAll(".hs-notice--held[data-alert-id='" + id + "']").forEach((n) => { n.remove(); });
    },
    draftHeld: (id) => {
      if (box.querySelector(".hs-notice--held[data-alert-id='" + id + "']")) return;
      add("held", format(notice("draftHeld"), { id: id }), id, null, true);
    },
    // Text typed for alert `id` that can no longer be sent there: shown to copy, never moved.
    kept: (id, texts) => {
      if (!texts || !texts.length) return;
      const all = texts.map((t) => label("queueNotices.field." + t.action, t.action) + ": " + t.text).join("\n");
      const area = el("textarea", "hs-notice__kept");
      area.readOnly = true;
      area.rows = Math.min(6, all.split("\n").length + 1);
      area.value = all;
      const copy = el("button", "hs-notice__copy", notice("copy"));
      copy.type = "button";
      copy.addEventListener("click", () => {
        area.select();
        const done = () => { copy.textContent = notice("copied"); };
        if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(all).then(done, () => {});
        else { try { document.execCommand("copy"); done(); } catch (error) { /* selected: Ctrl+C */ } }
      });
      const extra = el("div", "hs-notice__extra");
      extra.append(area, copy);
      add("kept", format(notice("kept"), { id: id }), id, extra, true);
    },
  };
}
