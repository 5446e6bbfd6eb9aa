/*
 * What the operator types belongs to the alert it was typed for (issue 15, point 3).
 *
 * The action forms (note, escalation, transfer, close) show the drafts of the alert on screen and
 * nothing else: switching to another alert puts the typed text aside under the first alert's id
 * and brings back the second's. Each form carries the id of the alert it shows
 * (`data-alert-id`), and an action posts to that id, never to "whatever is selected now".
 * Drafts live in sessionStorage, so a reload of the tab keeps them too.
 */
(function () {
  "use strict";

  var STORE_KEY = "hs-console-drafts";
  var TEXT_FIELDS = { notes: ["text"], escalate: ["reason", "repeat_reason"], transfer: [], close: ["note"] };

  function create(root) {
    var forms = Array.from(root.querySelectorAll("form[data-action]"));
    var drafts = {};
    var bound = null;
    try { drafts = JSON.parse(sessionStorage.getItem(STORE_KEY) || "{}") || {}; } catch (error) { drafts = {}; }

    function persist() {
      try { sessionStorage.setItem(STORE_KEY, JSON.stringify(drafts)); } catch (error) { /* full: memory only */ }
    }

    function read(form) {
      var values = {};
      Array.from(form.elements).forEach(function (field) {
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
      Array.from(form.elements).forEach(function (field) {
        if (!field.name || !(field.name in values)) return;
        if (field.type === "checkbox") field.checked = values[field.name].indexOf(field.value) !== -1;
        else field.value = values[field.name];
      });
    }

    function typed(action, values) {
      return !!values && (TEXT_FIELDS[action] || []).some(function (name) {
        return String(values[name] || "").trim() !== "";
      });
    }

    function save() {
      if (bound === null) return;
      var mine = {};
      forms.forEach(function (form) {
        var values = read(form);
        if (typed(form.dataset.action, values)) mine[form.dataset.action] = values;
      });
      if (Object.keys(mine).length) drafts[bound] = mine;
      else delete drafts[bound];
      persist();
    }

    forms.forEach(function (form) {
      form.addEventListener("input", save);
      form.addEventListener("change", save);
    });

    return {
      // The panel now shows alert `id` (or nothing): keep what was typed, show that alert's drafts.
      attach: function (id) {
        if (id === bound) return;
        save();
        bound = id;
        forms.forEach(function (form) {
          if (id === null) delete form.dataset.alertId;
          else form.dataset.alertId = id;
          write(form, id === null ? null : (drafts[id] || {})[form.dataset.action]);
        });
      },
      bound: function () { return bound; },
      // An action succeeded: that alert's draft of that form is done.
      sent: function (id, action) {
        if (drafts[id]) {
          delete drafts[id][action];
          if (!Object.keys(drafts[id]).length) delete drafts[id];
        }
        persist();
        if (id === bound) {
          var form = forms.find(function (f) { return f.dataset.action === action; });
          if (form) form.reset();
        }
      },
      // The texts typed for `id` that were not sent, as [{action, text}] (empty: nothing typed).
      texts: function (id) {
        if (id === bound) save();
        var mine = drafts[id] || {};
        return Object.keys(mine).map(function (action) {
          var values = mine[action];
          var text = (TEXT_FIELDS[action] || []).map(function (n) { return values[n] || ""; })
            .filter(function (t) { return t.trim() !== ""; }).join("\n");
          return { action: action, text: text };
        }).filter(function (item) { return item.text; });
      },
      // Take the drafts of `id` away (they are shown to the operator to copy elsewhere).
      take: function (id) {
        var texts = this.texts(id);
        delete drafts[id];
        persist();
        if (id === bound) forms.forEach(function (form) { form.reset(); });
        return texts;
      },
    };
  }

  HS.drafts = { create: create };
})();
