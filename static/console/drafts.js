// @ts-check
/*
 * What the operator types belongs to the alert it was typed for (issue 15, point 3).
 *
 * The action forms (note, escalation, transfer, close) show the drafts of the alert on screen and
 * nothing else: switching to another alert puts the typed text aside under the first alert's id
 * and brings back the second's. Each form carries the id of the alert it shows
 * (`data-alert-id`), and an action posts to that id, never to "whatever is selected now".
 * Drafts live in sessionStorage, so a reload of the tab keeps them too.
 */

const STORE_KEY = "hs-console-drafts";
const TEXT_FIELDS = { notes: ["text"], escalate: ["reason", "repeat_reason"], transfer: [], close: ["note"] };

/** @typedef {Record<string, string | string[]>} Values  a form's fields, by name */

/**
 * Keep the action forms' typed text per alert.
 * @param {HTMLElement} root  the actions panel
 */
export function createDrafts(root) {
  /** @type {HTMLFormElement[]} */
  const forms = Array.from(root.querySelectorAll("form[data-action]"));
  /** @type {Record<number, Record<string, Values>>} alert id -> form action -> its fields */
  let drafts = {};
  /** @type {number | null} the alert whose drafts the forms show */
  let bound = null;
  try { drafts = JSON.parse(sessionStorage.getItem(STORE_KEY) || "{}") || {}; } catch (error) { drafts = {}; }

  function persist() {
    try { sessionStorage.setItem(STORE_KEY, JSON.stringify(drafts)); } catch (error) { /* full: memory only */ }
  }

  function read(form) {
    const values = {};
    Array.from(form.elements).forEach((field) => {
      if (!field.name) return;
      if (field.type === "checkbox") {
        values[field.name] = values[field.name] || [];
        if (field.checked) values[field.name].push(field.value);
      } else {
        values[field.name] = field.value;
      }
    });
    return values;
  }

  function write(form, values) {
    form.reset(); // the template's defaults, for fields the draft does not name
    if (!values) return;
    Array.from(form.elements).forEach((field) => {
      if (!field.name || !(field.name in values)) return;
      if (field.type === "checkbox") field.checked = values[field.name].indexOf(field.value) !== -1;
      else field.value = values[field.name];
    });
  }

  function typed(action, values) {
    return !!values && (TEXT_FIELDS[action] || []).some((name) => {
      return String(values[name] || "").trim() !== "";
    });
  }

  function save() {
    if (bound === null) return;
    const mine = {};
    forms.forEach((form) => {
      const values = read(form);
      if (typed(form.dataset.action, values)) mine[form.dataset.action] = values;
    });
    if (Object.keys(mine).length) drafts[bound] = mine;
    else delete drafts[bound];
    persist();
  }

  forms.forEach((form) => {
    form.addEventListener("input", save);
    form.addEventListener("change", save);
  });

  /**
   * The texts typed for `id` that were not sent, as [{action, text}] (empty: nothing typed).
   * @param {number} id
   * @returns {{action: string, text: string}[]}
   */
  function texts(id) {
    if (id === bound) save();
    const mine = drafts[id] || {};
    return Object.keys(mine).map((action) => {
      const values = mine[action];
      const text = (TEXT_FIELDS[action] || []).map((n) => values[n] || "")
        .filter((t) => t.trim() !== "").join("\n");
      return { action, text };
    }).filter((item) => item.text);
  }

  return {
    /**
     * The panel now shows alert `id` (or nothing): keep what was typed, show that alert's drafts.
     * @param {number | null} id
     */
    attach(id) {
      if (id === bound) return;
      save();
      bound = id;
      forms.forEach((form) => {
        if (id === null) delete form.dataset.alertId;
        else form.dataset.alertId = String(id);
        write(form, id === null ? null : (drafts[id] || {})[form.dataset.action || ""]);
      });
    },
    bound: () => bound,
    /**
     * An action succeeded: that alert's draft of that form is done.
     * @param {number} id
     * @param {string} action
     */
    sent(id, action) {
      if (drafts[id]) {
        delete drafts[id][action];
        if (!Object.keys(drafts[id]).length) delete drafts[id];
      }
      persist();
      if (id === bound) {
        const form = forms.find((f) => f.dataset.action === action);
        if (form) form.reset();
      }
    },
    texts,
    /**
     * Take the drafts of `id` away (they are shown to the operator to copy elsewhere).
     * @param {number} id
     */
    take(id) {
      const kept = texts(id);
      delete drafts[id];
      persist();
      if (id === bound) forms.forEach((form) => { form.reset(); });
      return kept;
    },
  };
}
