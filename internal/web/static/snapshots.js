// Begira snapshot pages: take a snapshot, record a decision, move a
// decision's status, print the pack. Each form names its API endpoint in
// data-api; answers and errors are shown with textContent only, never as
// HTML. The pack reads and prints without this script.
(function () {
  "use strict";

  // csrf is the anti-CSRF token the server set in the begira_csrf cookie;
  // every request that changes something sends it back as a header.
  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)begira_csrf=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }


  // Scrollable tables (the diff's lists) are regions a keyboard can reach
  // and scroll, named by their section's heading.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".table-wrap, table.decisions, .pack-section table").forEach(function (el) {
      el.tabIndex = 0;
      el.setAttribute("role", "group"); // not a landmark: a page may hold several
      if (!el.hasAttribute("aria-label")) {
        var owner = el.closest("figure, section, details, main");
        var h = owner && owner.querySelector("h1, h2, h3, summary");
        el.setAttribute("aria-label", (h ? h.textContent : document.title).trim());
      }
    });
  });

  function status(form, text) {
    var out = form.querySelector(".form-status");
    if (out) out.textContent = text || "";
  }

  // errorText is the API's own message ({"error": {"message": …}}).
  // The API refuses with a stable code and an English message; the page
  // says the code's message in its language (none in English).
  var errEl = document.getElementById("error-messages");
  var errs = JSON.parse(errEl ? errEl.dataset.json || "{}" : "{}");
  // refusal is begira.js's begiraRefusal; the pack, which loads no other
  // script, says its decisions' refusals the same way with this copy.
  var refusal = window.begiraRefusal || function (msgs, e) {
    if (!e) return "";
    var msg = e.key && msgs[e.key], i = 0, args = e.args || [];
    if (!msg) return msgs[e.code] || "";
    return msg.replace(/%[-+# 0]*[0-9]*(?:\.[0-9]+)?([a-zA-Z%])/g, function (m, verb) {
      if (verb === "%") return "%";
      var a = args[i++];
      if (a && typeof a === "object") a = msgs["enum." + a.kind + "." + a.value] || a.value;
      a = a == null ? "" : String(a);
      return verb === "q" ? "\"" + a + "\"" : a;
    });
  };
  function errorText(res, body) {
    try {
      var e = JSON.parse(body).error;
      var msg = refusal(errs, e) || e.message;
      if (msg) return msg;
    } catch (e) { /* not a JSON error */ }
    return res.status + " " + res.statusText;
  }

  // send sends body as JSON and reloads the page once the API agrees.
  function send(form, method, body) {
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    status(form, form.dataset.busy);
    fetch(form.dataset.api, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify(body)
    }).then(function (res) {
      return res.text().then(function (text) {
        if (!res.ok) throw new Error(errorText(res, text));
        window.location.reload();
      });
    }).catch(function (err) {
      status(form, err.message);
      if (button) button.disabled = false;
    });
  }

  function value(form, name) {
    var f = form.elements.namedItem(name);
    return f ? f.value.trim() : "";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var take = document.getElementById("take-snapshot");
    if (take) {
      take.addEventListener("submit", function (ev) {
        ev.preventDefault();
        send(take, "POST", { label: value(take, "label") });
      });
    }

    var decide = document.getElementById("new-decision");
    if (decide) {
      // What the decision is about comes from the picker of its scope: a
      // coverage cell by its two labels, a project found by title or ref,
      // a signal cluster by its term, an organisation by its name.
      var pickers = decide.querySelectorAll("label.pick");
      var showPicker = function () {
        var scope = value(decide, "scope");
        pickers.forEach(function (l) { l.hidden = l.getAttribute("data-scope") !== scope; });
      };
      decide.elements.scope.addEventListener("change", showPicker);
      showPicker();
      decide.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var scope = value(decide, "scope");
        var d = { scope: scope, type: value(decide, "type"), rationale: value(decide, "rationale") };
        // Each picker's field is named after its scope (cell, project,
        // signal_cluster, organisation).
        var ref = scope !== "mission" && decide.elements[scope] ? value(decide, scope) : "";
        if (ref !== "") d.ref = ref;
        ["owner", "due_date"].forEach(function (k) {
          var v = value(decide, k);
          if (v !== "") d[k] = v;
        });
        send(decide, "POST", d);
      });
    }

    document.querySelectorAll("form.decision-status").forEach(function (form) {
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        send(form, "PATCH", { status: value(form, "status"), note: value(form, "note") });
      });
    });

    document.querySelectorAll("button.print-pack").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
  });
})();
