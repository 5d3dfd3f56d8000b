// Begira upload wizard: upload with byte progress, then row progress while
// the server validates, then the preview (dialect, counts, rejects), then
// commit. Every text from the server is set with textContent, never HTML.
(function () {
  "use strict";

  // csrf is the anti-CSRF token the server set in the begira_csrf cookie;
  // every request that changes something sends it back as a header.
  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)begira_csrf=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  var form = document.getElementById("upload");
  if (!form) return;
  var msgs = JSON.parse(document.getElementById("imports-messages").textContent);
  var mission = form.dataset.mission;
  var progress = document.getElementById("progress");
  var bar = progress.querySelector("progress");
  var progressText = progress.querySelector(".progress-text");
  var preview = document.getElementById("preview");
  var current = null;

  var fields = JSON.parse(document.getElementById("imports-fields").textContent);
  function t(key) { return msgs[key] || key; }
  function el(tag, text) { var e = document.createElement(tag); if (text != null) e.textContent = text; return e; }
  function setProgress(value, text) { progress.hidden = false; bar.value = value; progressText.textContent = text; }

  // The API refuses with a stable code, an English message and the
  // message's key with its arguments; the page says it in its language
  // (none in English), specifics included.
  var errEl = document.getElementById("error-messages");
  var errs = JSON.parse(errEl ? errEl.dataset.json || "{}" : "{}");
  function apiError(j, fallback) {
    var e = j && j.error;
    if (!e) return fallback;
    return (window.begiraRefusal ? window.begiraRefusal(errs, e) : errs[e.code]) || e.message || fallback;
  }
  function errorText(xhr) {
    try { return apiError(JSON.parse(xhr.responseText), xhr.status + " " + xhr.statusText); } catch (e) { return xhr.status + " " + xhr.statusText; }
  }

  // named writes a code as its label with the code in brackets, so the
  // analyst sees both what it means and what to write.
  // fieldName names a field in the page's language, with its name in the
  // analyst CSV (what a file's header may write) in brackets.
  function fieldName(name, kind) {
    var f = (fields.kinds[kind] || []).find(function (x) { return x.name === name; });
    return f && f.label && f.label !== name ? f.label + " (" + name + ")" : name;
  }

  function named(code, f) {
    var l = f && f.scheme ? (fields.terms[f.scheme] || {})[code] : f && f.labels ? f.labels[code] : null;
    return l && l !== code ? l + " (" + code + ")" : code;
  }

  // rejectText says why a cell was refused in the page's language, from
  // the reject's code; the English reason only lends its figures (a line,
  // a range, a format, a suggestion).
  function rejectText(r, f) {
    var m, msg = msgs["reject." + r.code];
    if (!msg) return r.reason;
    switch (r.code) {
      case "enum":
        return msg.replace("%values", ((f && f.values) || []).map(function (v) { return named(v, f); }).join(", "));
      case "term":
        msg = msg.replace("%scheme", f && f.scheme && fields.schemes ? fields.schemes[f.scheme] || f.scheme : (f && f.scheme) || r.column);
        m = /separated by "([^"]*)": write them so, or choose the list separator "([^"]*)"/.exec(r.reason);
        if (m) return msg + "; " + t("reject.term_list").replace("%sep", m[1]).replace("%other", m[2]);
        m = /did you mean "([^"]*)"\?/.exec(r.reason);
        return m ? msg + "; " + t("reject.did_you_mean").replace("%suggestion", named(m[1], f)) : msg;
      case "project_ref":
        m = /separated by "([^"]*)": write them so, or choose the list separator "([^"]*)"/.exec(r.reason);
        return m ? msg + "; " + t("reject.term_list").replace("%sep", m[1]).replace("%other", m[2]) : msg;
      case "date":
        m = /format (.*)$/.exec(r.reason);
        return msg.replace("%format", m ? m[1] : "");
      case "duplicate":
        m = /line (\d+)/.exec(r.reason);
        return msg.replace("%line", m ? m[1] : "?");
      case "out_of_range":
        m = /(?:between|outside) (\S+) (?:and|to) (\S+)$/.exec(r.reason);
        return m ? msg.replace("%min", m[1]).replace("%max", m[2]) : r.reason;
    }
    return msg;
  }

  function warningText(w) {
    if (typeof w === "string") return w;
    var msg = msgs["warn." + w.code];
    if (!msg) return w.message;
    return msg.replace("%column", w.column || "").replace("%count", w.count != null ? w.count.toLocaleString(document.documentElement.lang) : "")
      .replace("%lines", (w.lines || []).join(", ")).replace("%examples", (w.examples || []).join(", "));
  }

  // While the server reads and validates, show the running import's phase.
  var poller = null;
  function pollRunning() {
    fetch("/api/v1/missions/" + encodeURIComponent(mission) + "/imports", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        var running = (j.items || []).filter(function (b) { return b.status === "running" && b.progress; })[0];
        if (running) {
          var p = running.progress;
          var pct = p.total > 0 ? Math.round(100 * p.done / p.total) : 100;
          setProgress(pct, t("phase." + p.phase) + (p.total > 0 ? " " + p.done.toLocaleString() + " / " + p.total.toLocaleString() + " " + p.unit : ""));
        }
      }).catch(function () {});
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    send([]);
  });

  // The preview's column controls: the mapping as a select per column and
  // each number or date column's convention. Previewing again uploads the
  // file again with them, and gives the previous preview up.
  document.getElementById("adjust").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var extra = [], mapping = {};
    preview.querySelectorAll(".columns-table select.map").forEach(function (sel) { mapping[sel.dataset.header] = sel.value; });
    extra.push(["mapping", JSON.stringify(mapping)]);
    preview.querySelectorAll(".columns-table .conv").forEach(function (c) {
      if (c.value !== "") extra.push([c.name, c.value]);
    });
    if (current) act(current.id, "discard", null, function () {});
    send(extra);
  });

  function send(extra) {
    var data = new FormData();
    Array.prototype.forEach.call(form.elements, function (f) {
      if (!f.name || f.type === "submit") return;
      if (f.type === "file") { if (f.files[0]) data.append("file", f.files[0]); return; }
      if (f.value !== "") data.append(f.name, f.value);
    });
    extra.forEach(function (kv) { data.append(kv[0], kv[1]); });
    preview.hidden = true;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/missions/" + encodeURIComponent(mission) + "/imports");
    xhr.setRequestHeader("X-CSRF-Token", csrf());
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) setProgress(Math.round(100 * e.loaded / e.total), t("phase.uploading") + " " + e.loaded.toLocaleString() + " / " + e.total.toLocaleString() + " bytes");
    };
    xhr.upload.onload = function () {
      setProgress(100, t("phase.validating"));
      poller = setInterval(pollRunning, 500);
    };
    xhr.onloadend = function () {
      if (poller) clearInterval(poller);
      if (xhr.status === 201) {
        setProgress(100, t("phase.done"));
        show(JSON.parse(xhr.responseText));
      } else {
        setProgress(0, t("error") + ": " + errorText(xhr));
      }
    };
    xhr.send(data);
  }

  function show(b) {
    current = b;
    preview.hidden = false;
    var dl = preview.querySelector(".dialect");
    dl.textContent = "";
    var d = b.dialect;
    [["encoding", d.encoding], ["delimiter", d.delimiter === "\t" ? "tab" : d.delimiter], ["quote", d.quote], ["list_separator", d.list_separator],
     ["decimal_separator", d.decimal_separator],
     ["thousands_separator", d.thousands_separator], ["date_format", d.date_format], ["header_row", d.header_row], ["sheet", d.sheet]]
      .forEach(function (kv) {
        if (kv[1] === undefined || kv[1] === "") return;
        dl.appendChild(el("dt", t("dialect." + kv[0])));
        dl.appendChild(el("dd", String(kv[1])));
      });
    preview.querySelector(".counts").textContent = t("counts").replace("%total", b.rows_total).replace("%ok", b.rows_ok).replace("%rejected", b.rows_rejected);
    var warnings = preview.querySelector(".warnings");
    warnings.textContent = "";
    (b.warnings || []).forEach(function (w) {
      var li = el("li", warningText(w));
      if (w.code) li.dataset.code = w.code;
      warnings.appendChild(li);
    });
    var unmapped = (b.columns || []).filter(function (c) { return !c.field; }).map(function (c) { return c.header; });
    preview.querySelector(".columns").textContent = (b.columns || []).filter(function (c) { return c.field; })
      .map(function (c) { return c.header + " → " + fieldName(c.field, b.kind); }).join(" · ") + (unmapped.length ? "  |  " + t("unmapped") + ": " + unmapped.join(", ") : "");
    if (b.rows_flagged) preview.querySelector(".counts").textContent += " " + t("flagged").replace("%n", b.rows_flagged);
    showColumns(b);
    showSample(b);
    var tbody = preview.querySelector(".rejects tbody");
    tbody.textContent = "";
    var fieldOf = {}, byName = {};
    (fields.kinds[b.kind] || []).forEach(function (f) { byName[f.name] = f; });
    (b.columns || []).forEach(function (c) { if (c.field) fieldOf[c.header] = byName[c.field]; });
    (b.rejects || []).forEach(function (r) {
      var tr = el("tr");
      [r.line, r.column, r.value, rejectText(r, fieldOf[r.column])].forEach(function (v) { tr.appendChild(el("td", String(v))); });
      tbody.appendChild(tr);
    });
    var link = preview.querySelector(".rejects-csv");
    link.href = "/api/v1/imports/" + b.id + "/rejects.csv";
    link.hidden = b.rows_rejected === 0;
    preview.querySelector(".result").textContent = "";
  }

  function option(value, text, selected) {
    var o = el("option", text);
    o.value = value;
    o.selected = !!selected;
    return o;
  }

  // showColumns lists every column with a select of the fields it can map
  // to and, for number and date columns, how they are written.
  function showColumns(b) {
    var kindFields = fields.kinds[b.kind] || [];
    var tbody = preview.querySelector(".columns-table tbody");
    tbody.textContent = "";
    (b.columns || []).forEach(function (c) {
      var tr = el("tr");
      tr.appendChild(el("td", c.header));
      var sel = el("select");
      sel.className = "map";
      sel.dataset.header = c.header;
      sel.setAttribute("aria-label", c.header);
      sel.appendChild(option("", t("ignore"), !c.field));
      kindFields.forEach(function (f) { sel.appendChild(option(f.name, fieldName(f.name, b.kind), f.name === c.field)); });
      var td = el("td");
      td.appendChild(sel);
      tr.appendChild(td);
      var conv = el("td");
      if (c.decimal) {
        var dec = el("select");
        dec.className = "conv";
        dec.name = "decimal_separator[" + c.header + "]";
        dec.setAttribute("aria-label", c.header);
        var ambiguous = c.decided === "ambiguous";
        dec.appendChild(option("", ambiguous ? t("choose") : t("detected") + ": " + (c.decimal === "," ? "1.234,56" : "1,234.56"), true));
        dec.appendChild(option(",", "1.234,56", false));
        dec.appendChild(option(".", "1,234.56", false));
        conv.appendChild(dec);
        if (ambiguous) tr.className = "ambiguous";
      } else if (c.date_format) {
        var df = el("input");
        df.className = "conv";
        df.name = "date_format[" + c.header + "]";
        df.size = 12;
        df.placeholder = c.date_format.replace("%d", "dd").replace("%m", "mm").replace("%Y", "yyyy");
        df.setAttribute("aria-label", c.header);
        conv.appendChild(df);
      }
      if (c.decided) conv.appendChild(el("span", " " + t("decided." + c.decided)));
      tr.appendChild(conv);
      tbody.appendChild(tr);
    });
  }

  // The page's formatter (begira.js): the CLDR rules the server's tables
  // follow too, so the sample writes 12.500,5 and 07/03/2026 as every
  // other screen of the page's language does.
  var F = window.begiraFormat ? window.begiraFormat(document.documentElement.lang) : null;

  // sampleText writes a stored value as a reader reads it: codes by
  // their label with the code in brackets (what the file may write),
  // numbers and dates in the page's language; years and counts of a
  // scale (an int field) as they are.
  function sampleText(v, f) {
    if (v === null || v === undefined) return "";
    if (Array.isArray(v)) return v.map(function (x) { return sampleText(x, f); }).join(" | ");
    if (f.scheme || f.labels) return named(String(v), f);
    if (F && f.type === "number" && typeof v === "number") return F.digits(v, 6);
    if (F && f.type === "date") return F.date(v);
    return String(v);
  }

  // showSample shows the first rows as they will be stored, terms by
  // their names in the page's language.
  function showSample(b) {
    var cols = (b.columns || []).filter(function (c) { return c.field; });
    var byName = {};
    (fields.kinds[b.kind] || []).forEach(function (f) { byName[f.name] = f; });
    var head = preview.querySelector(".sample thead tr");
    head.textContent = "";
    head.appendChild(el("th", t("line") || "#"));
    cols.forEach(function (c) { var th = el("th", fieldName(c.field, b.kind)); th.scope = "col"; head.appendChild(th); });
    var tbody = preview.querySelector(".sample tbody");
    tbody.textContent = "";
    (b.sample || []).forEach(function (row) {
      var tr = el("tr");
      tr.appendChild(el("td", String(row.line)));
      cols.forEach(function (c) {
        tr.appendChild(el("td", sampleText(row.values[c.field], byName[c.field] || {})));
      });
      tbody.appendChild(tr);
    });
  }

  // act posts to an import's action (commit, discard, rollback) with the
  // CSRF token; done gets whether it worked, the answer, and the error's
  // message when it did not.
  function act(id, action, body, done) {
    var headers = { "X-CSRF-Token": csrf() };
    if (body) headers["Content-Type"] = "application/json";
    fetch("/api/v1/imports/" + id + "/" + action, {
      method: "POST", credentials: "same-origin", headers: headers, body: body ? JSON.stringify(body) : undefined
    }).then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
      .then(function (res) { done(res.ok, res.j, res.ok ? "" : apiError(res.j, t("error"))); });
  }

  // markRow shows a history row's new status and removes its button.
  function markRow(btn, status) {
    btn.closest("tr").querySelector(".status").textContent = status;
    btn.remove();
  }

  document.getElementById("commit").addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (!current) return;
    var skip = document.querySelector('input[name="skip_invalid"]').checked;
    act(current.id, "commit", { skip_invalid: skip }, function (ok, j, msg) {
      var out = preview.querySelector(".result");
      out.textContent = ok ? t("committed").replace("%n", j.rows_ok) : msg;
      out.className = ok ? "result ok" : "result error";
    });
  });

  document.getElementById("discard").addEventListener("click", function () {
    if (!current) return;
    act(current.id, "discard", null, function (ok, j, msg) {
      var out = preview.querySelector(".result");
      out.textContent = ok ? t("discarded") : msg;
      out.className = ok ? "result" : "result error";
      if (ok) current = null;
    });
  });

  document.querySelectorAll("button.discard").forEach(function (btn) {
    btn.addEventListener("click", function () {
      act(btn.dataset.id, "discard", null, function (ok, j, msg) {
        if (ok) markRow(btn, t("status.discarded")); else window.alert(msg);
      });
    });
  });

  document.querySelectorAll("button.rollback").forEach(function (btn) {
    btn.addEventListener("click", function () {
      if (!window.confirm(t("confirm_rollback"))) return;
      act(btn.dataset.id, "rollback", null, function (ok, j, msg) {
        if (ok) markRow(btn, t("rolled_back")); else window.alert(msg);
      });
    });
  });
})();
