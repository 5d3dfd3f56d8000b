// Begira page script: draws every chart from the JSON option the server
// wrote next to it, wires PNG export and click-to-drill. No inline script,
// no external request.
(function () {
  "use strict";
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var charts = {};
  var views = {}; // chart id → the options a network page toggles between
  var ALT = "begiraOrganisations";

  // ---- Numbers and dates in the reader's language ----
  //
  // One formatter for every figure a chart writes: Intl's CLDR patterns
  // for the page's language. Chromium ships no Basque locale data (Intl
  // answers "eu" in American English: "17.1%", "€81,478,800"), so Basque
  // takes its digits from Spanish, which separates the same way (grouping
  // from four digits, where Spanish waits for five), and its own CLDR
  // patterns here: "% 17,1", "81.478.800 €",
  // "100 M€", "2026/03/07". A browser that knows Basque uses Intl for it.
  var TAGS = { en: "en-GB", es: "es-ES", eu: "eu-ES" };

  function makeFormat(lang) {
    lang = TAGS[lang] ? lang : "en";
    var native = Intl.NumberFormat.supportedLocalesOf([TAGS[lang]]).length > 0 &&
      Intl.DateTimeFormat.supportedLocalesOf([TAGS[lang]]).length > 0;
    var tag = native ? TAGS[lang] : "es-ES";
    var cache = {};
    function nf(opts) {
      var k = JSON.stringify(opts);
      return cache[k] || (cache[k] = new Intl.NumberFormat(tag, opts));
    }
    // Spanish leaves four-digit numbers ungrouped (CLDR minimumGroupingDigits
    // 2: "1580", "15.800"); Basque groups them ("1.580"), so its Spanish
    // stand-in groups always. The server's tables write the same.
    function digits(x, max) {
      return nf(native ? { maximumFractionDigits: max } : { maximumFractionDigits: max, useGrouping: "always" }).format(x);
    }
    function percent(x, max) {
      if (native) return nf({ style: "percent", maximumFractionDigits: max }).format(x);
      return (x < 0 ? "-" : "") + "%\u00a0" + digits(Math.abs(x) * 100, max); // eu: "% #,##0"
    }
    function money(x) {
      if (native) return nf({ style: "currency", currency: "EUR", maximumFractionDigits: 0, minimumFractionDigits: 0 }).format(x);
      return digits(x, 0) + "\u00a0€"; // eu: "#,##0 ¤"
    }
    function moneyCompact(x) {
      if (Math.abs(x) < 1e4) return money(x);
      if (lang === "en") return (x < 0 ? "-€" : "€") + new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 }).format(Math.abs(x));
      if (lang === "es" || !native) {
        if (Math.abs(x) >= 1e6) return digits(x / 1e6, 1) + "\u00a0M€"; // es and eu: "0 M¤"
        return lang === "es" ? nf({ notation: "compact", maximumFractionDigits: 1 }).format(x) + "\u00a0€" : money(x); // es "0 mil ¤"; eu writes thousands in full
      }
      return nf({ style: "currency", currency: "EUR", notation: "compact", maximumFractionDigits: 1 }).format(x);
    }
    var dtCache = {};
    function df(opts) {
      var k = JSON.stringify(opts);
      return dtCache[k] || (dtCache[k] = new Intl.DateTimeFormat(native ? TAGS[lang] : "es-ES", Object.assign({ timeZone: "UTC" }, opts)));
    }
    // date writes "2026-03-07" as a date and "2026-03" as a month.
    function date(v) {
      var m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(String(v));
      if (!m) return String(v);
      var d = new Date(Date.UTC(+m[1], +m[2] - 1, m[3] ? +m[3] : 1));
      if (!native) return m[1] + "/" + m[2] + (m[3] ? "/" + m[3] : ""); // eu: "y/MM/dd"
      if (lang === "es" && !m[3]) return m[2] + "/" + m[1]; // "MM/y", as the day is written "dd/MM/y"
      if (lang === "en") return df(m[3] ? { day: "numeric", month: "short", year: "numeric" } : { month: "short", year: "numeric" }).format(d);
      return df(m[3] ? { day: "2-digit", month: "2-digit", year: "numeric" } : { month: "2-digit", year: "numeric" }).format(d);
    }
    // value writes x as a figure of kind; compact for axes and data labels.
    function value(kind, x, compact) {
      if (x == null || x === "-" || x === "") return "–";
      if (kind === "date") return date(x);
      x = Number(x);
      if (!isFinite(x)) return "–";
      switch (kind) {
        case "money": return compact ? moneyCompact(x) : money(x);
        case "share": return percent(x, compact ? 0 : 1);
        case "ratio":
        case "index": return digits(x, 2);
        default: return digits(x, Math.abs(x - Math.round(x)) < 1e-9 ? 0 : 2); // counts: fractional ones to two decimals
      }
    }
    return { lang: lang, digits: digits, percent: percent, money: money, moneyCompact: moneyCompact, date: date, value: value };
  }
  window.begiraFormat = makeFormat;

  // begiraRefusal says an API refusal ({code, message, key, args}) in the
  // page's language from msgs (the page's error-messages): the specific
  // message of its key with its arguments (a fixed value by its name),
  // else the message of its code; "" when msgs has neither (English pages
  // show the API's own message).
  window.begiraRefusal = function (msgs, e) {
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

  function each(x, fn) { [].concat(x || []).forEach(function (o) { if (o) fn(o); }); }

  // localize routes every figure a chart writes through the formatter of
  // its language: value axes, category axes of dates, the colour scale,
  // data labels and tooltips. Tooltips name the measure and the
  // dimensions the server named in the chart's format.
  function localize(option, f) {
    var F = makeFormat(f.lang || document.documentElement.lang);
    var kind = f.kind || "count";
    var xCat = f.xkind === "date" ? F.date : function (v) { return v; };
    function axes(list, k) {
      each(list, function (ax) {
        ax.axisLabel = ax.axisLabel || {};
        if (ax.type === "value") ax.axisLabel.formatter = function (v) { return F.value(k, v, true); };
        else if (f.xkind === "date") ax.axisLabel.formatter = function (v) { return xCat(v); };
      });
    }
    axes(option.xAxis, kind);
    axes(option.yAxis, f.ykind || kind);
    each(option.visualMap, function (vm) { vm.formatter = function (v) { return F.value(kind, v, true); }; });
    var xData = [].concat(option.xAxis || [])[0], yData = [].concat(option.yAxis || [])[0];
    function catAt(ax, i) { return ax && ax.data ? ax.data[i] : i; }
    function line(name, text) { return name ? name + ": " + text : text; }
    each(option.series, function (s) {
      if (s.markLine) { // medians of a quadrant: a line on x or on y
        s.markLine.label = Object.assign({}, s.markLine.label, { formatter: function (p) {
          return F.value(p.data && p.data.yAxis != null ? f.ykind || kind : kind, p.value, true);
        } });
      }
      switch (s.type) {
        case "heatmap":
          s.label = Object.assign({}, s.label, { formatter: function (p) { return p.value[2] === "-" ? "" : F.value(kind, p.value[2], true); } });
          break;
        case "bar":
          if (s.label && s.label.show) s.label.formatter = function (p) { return F.value(kind, p.value, true); };
          break;
        case "pie":
          s.label = Object.assign({}, s.label, { formatter: function (p) { return p.name + ": " + F.percent(p.percent / 100, 1); } });
          break;
      }
    });
    function tip(p) {
      if (Array.isArray(p)) { // axis tooltips: bars, lines
        if (!p.length) return "";
        var head = line(f.x, xCat(p[0].name));
        if (p.length === 1 && option.series.length === 1) return head + "\n" + line(f.measure, F.value(kind, p[0].value));
        return head + "\n" + f.measure + (f.y ? " (" + f.y + ")" : "") + "\n" +
          p.map(function (q) { return line(q.seriesName, F.value(kind, q.value)); }).join("\n");
      }
      if (p.componentType === "markPoint" || p.componentType === "markLine") {
        return line(p.seriesName, typeof p.value === "number" ? F.value(kind, p.value) : String(p.value));
      }
      switch (p.seriesType) {
        case "heatmap":
          return line(f.measure, F.value(kind, p.value[2])) + "\n" + line(f.y, catAt(yData, p.value[1])) + "\n" + line(f.x, catAt(xData, p.value[0]));
        case "pie":
          return line(f.x, p.name) + "\n" + line(f.measure, F.value(kind, p.value)) + " (" + F.percent(p.percent / 100, 1) + ")";
        case "radar":
          var ind = [].concat(option.radar || [])[0].indicator || [];
          return f.measure + " – " + p.name + (f.x ? " (" + f.x + ")" : "") + "\n" +
            (p.value || []).map(function (v, i) { return line(ind[i] && ind[i].name, F.value(kind, v)); }).join("\n");
        case "treemap":
        case "sunburst":
          var path = (p.treePathInfo || []).slice(1).map(function (n) { return n.name; });
          var dims = [f.x, f.y];
          return path.map(function (n, i) { return line(dims[i], n); }).join("\n") + "\n" + line(f.measure, F.value(kind, p.value));
        case "graph":
          if (p.dataType === "edge") return line(f.measure, F.value(kind, p.value)) + "\n" + p.data.source + " – " + p.data.target;
          return line(f.x, p.name);
        case "sankey":
          if (p.dataType === "edge") return p.data.source + " → " + p.data.target + "\n" + line(f.measure, F.value(kind, p.value));
          return line(f.x, p.name) + "\n" + line(f.measure, F.value(kind, p.value));
        case "scatter":
          if (f.ymeasure) { // two figures: x and y
            return line(f.x, p.name) + "\n" + line(f.measure, F.value(kind, p.value[0])) + "\n" + line(f.ymeasure, F.value(f.ykind || kind, p.value[1]));
          }
          var v = Array.isArray(p.value) ? p.value[p.value.length - 1] : p.value; // places: [lon, lat, value]
          return line(f.x, p.name) + "\n" + line(f.measure, F.value(kind, v));
      }
      return line(p.name, F.value(kind, p.value));
    }
    option.tooltip = [].concat(option.tooltip || {}).map(function (t) { return Object.assign({}, t, { formatter: tip }); });
    return option;
  }

  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  // markKey names the clicked mark the way the server keyed the panel's
  // marks: tree nodes and places carry their key, heatmap cells are "x,y",
  // line points "series/index", other marks their data index.
  function markKey(params) {
    if (params.componentType === "radar" && params.name) return "r:" + params.name; // an axis name
    if (params.componentType && params.componentType !== "series") return null;
    if (params.data && params.data.drill != null) return String(params.data.drill);
    if (params.seriesType === "line") return params.seriesIndex + "/" + params.dataIndex;
    if (params.seriesType === "heatmap" && Array.isArray(params.value)) return params.value[0] + "," + params.value[1];
    if (params.dataIndex != null) return String(params.dataIndex);
    return null;
  }

  // drillURL is the list behind a mark: the page's scope (in the base link)
  // narrowed by the mark's own filters.
  function drillURL(el, drill, params) {
    if (!drill || !drill.marks) return null;
    var mark = drill.marks[markKey(params)];
    if (!mark) return null;
    var base = drill.target === "signals" ? el.dataset.signals : el.dataset.projects;
    var url = new URL(base, window.location.href);
    if (drill.target === "links") {
      // The links between two levels: pairs of projects, beside their list.
      url.pathname = url.pathname.replace(/\/projects$/, "/links");
    }
    if (mark.p) {
      // A page of its own (a project's), in the page's scope.
      url.pathname = url.pathname.replace(/\/projects$/, "/" + mark.p);
    }
    Object.keys(mark.q || {}).forEach(function (k) { url.searchParams.set(k, mark.q[k]); });
    return url.toString();
  }

  // choropleth colours the municipalities when the page has boundaries:
  // the GeoJSON comes from this server, the figures from the panel's own
  // measures (data-choropleth), one at a time, picked with the panel's
  // "Colour by" select. Without boundaries the server's bubbles are drawn.
  function choropleth(el) {
    return fetch(el.dataset.geojson, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("geojson " + r.status);
      return r.json();
    }).then(function (geo) {
      window.echarts.registerMap("begira", geo);
      return mapOption(el, 0);
    });
  }

  // mapOption colours the map by measure i; a municipality carries the key
  // of its mark (the same as its bubble's), so a click opens its projects.
  function mapOption(el, i) {
    var geo = readJSON(el.dataset.choropleth);
    var max = 0;
    var data = geo.areas.map(function (a) {
      if (a.v[i] > max) max = a.v[i];
      return { name: a.code, value: a.v[i], drill: a.drill, label: a.name, text: a.t[i] };
    });
    // The boundaries' licence asks for attribution: drawn on the map too, so
    // an exported PNG keeps it.
    var credit = el.dataset.attribution ? [{ type: "text", right: 8, bottom: 8, silent: true,
      style: { text: el.dataset.attribution, fill: "#52606d", font: "11px sans-serif" } }] : [];
    return {
      graphic: credit,
      tooltip: { trigger: "item", formatter: function (p) { return p.data ? p.data.label + "\n" + geo.measures[i] + ": " + p.data.text : p.name; } },
      visualMap: { min: 0, max: max > 0 ? max : 1, left: "left", bottom: 10, calculable: true, precision: max > 0 && max < 10 ? 1 : 0,
        inRange: { color: ["#ffffff", "#4575b4", "#313695"] } },
      series: [{ type: "map", map: "begira", name: geo.measures[i], nameProperty: el.dataset.geojsonName || "name", roam: true,
        selectedMode: false, data: data, itemStyle: { borderColor: "#9aa5b1" }, emphasis: { label: { show: false }, itemStyle: { areaColor: "#f4a582" } } }]
    };
  }

  function draw(el) {
    var option = readJSON(el.dataset.option);
    if (!option || !window.echarts) return;
    if (el.dataset.geojson && el.dataset.choropleth) {
      choropleth(el).then(function (o) { render(el, o); }).catch(function () { render(el, option); });
      return;
    }
    render(el, option);
  }

  // prepare readies an option for el's chart: motion, the reader's
  // number formats, the localised description, canvas tooltips.
  function prepare(option, el) {
    if (reduceMotion) option.animation = false;
    var format = option.begira;
    delete option.begira;
    if (format) localize(option, format);
    // Screen readers hear the page's own localised description of the
    // chart, not ECharts' generated English one.
    if (option.aria && el.getAttribute("aria-label")) {
      option.aria.label = { description: el.getAttribute("aria-label") };
    }
    // The Content-Security-Policy forbids inline style attributes, and
    // ECharts' HTML tooltip is built of them: rich-text tooltips are drawn
    // on the canvas instead.
    option.tooltip = [].concat(option.tooltip || {}).map(function (t) {
      return Object.assign({}, t, { renderMode: "richText" });
    });
    return option;
  }

  function render(el, option) {
    // A network carries its organisation network for the page's toggle.
    var alt = option[ALT];
    delete option[ALT];
    if (alt) views[el.id] = { projects: JSON.stringify(option), organisations: JSON.stringify(alt) };
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(prepare(option, el));
    charts[el.id] = chart;
    el.dataset.drawn = option.series && option.series[0] ? option.series[0].type : "";
    var drill = readJSON(el.dataset.drill);
    if (drill) {
      el.style.cursor = "pointer";
      chart.on("click", function (params) {
        var url = drillURL(el, drill, params);
        if (url) window.location.href = url;
      });
    }
  }

  // fold compares names as a reader types them: case and accents ignored.
  function fold(s) {
    return String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // networkTools wires a network's search (the first node whose name
  // contains the words typed is focused with its neighbours, the others
  // dimmed) and its toggle between the project and organisation networks.
  function networkTools(form) {
    var el = document.getElementById(form.dataset.chart);
    var chart = el && charts[el.id];
    if (!chart) return;
    var out = form.querySelector("output");
    el.dataset.view = "projects";
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var q = fold(form.elements.q.value).trim();
      chart.dispatchAction({ type: "downplay", seriesIndex: 0 });
      delete el.dataset.focused;
      if (!q) { out.textContent = ""; return; }
      var data = chart.getOption().series[0].data || [];
      var i = data.findIndex(function (d) { return fold(d.name).indexOf(q) >= 0; });
      if (i < 0) { out.textContent = out.dataset.none; return; }
      chart.dispatchAction({ type: "highlight", seriesIndex: 0, dataIndex: i });
      chart.dispatchAction({ type: "showTip", seriesIndex: 0, dataIndex: i });
      out.textContent = out.dataset.found.replace("%s", data[i].name);
      el.dataset.focused = data[i].name;
    });
    var v = views[el.id];
    if (!v) return;
    form.querySelector(".network-view").hidden = false;
    form.querySelectorAll("input[name=view]").forEach(function (r) {
      r.addEventListener("change", function () {
        if (!r.checked) return;
        chart.setOption(prepare(JSON.parse(v[r.value]), el), true);
        el.dataset.view = r.value;
        delete el.dataset.focused;
        out.textContent = "";
      });
    });
  }

  // downloadPNG saves a chart as an image that stands on its own: the
  // chart's title, the scope (filters) and when the figures are from
  // above the chart, and a file name with mission, chart and date.
  function downloadPNG(button) {
    var chart = charts[button.dataset.chart];
    if (!chart) return;
    var img = new Image();
    img.onload = function () {
      var r = 2, pad = 16 * r, lineH = 22 * r;
      var lines = [button.dataset.title, button.dataset.scope, button.dataset.asof].filter(function (t) { return t; });
      var c = document.createElement("canvas");
      var top = pad + lines.length * lineH + pad / 2;
      c.width = img.width;
      c.height = img.height + top;
      var g = c.getContext("2d");
      g.fillStyle = "#fff";
      g.fillRect(0, 0, c.width, c.height);
      g.fillStyle = "#1b1b1b";
      g.textBaseline = "top";
      lines.forEach(function (t, i) {
        g.font = (i === 0 ? "bold " + 18 * r : 13 * r) + "px sans-serif";
        g.fillText(t, pad, pad + i * lineH, c.width - 2 * pad);
      });
      g.drawImage(img, 0, top);
      var a = document.createElement("a");
      a.href = c.toDataURL("image/png");
      a.download = button.dataset.name + ".png";
      document.body.appendChild(a);
      a.click();
      a.remove();
    };
    img.src = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
  }

  // Scrollable tables are regions a keyboard can reach and scroll, named
  // by the heading of what they belong to.
  function focusableScrolls() {
    document.querySelectorAll(".table-wrap, table.decisions, .pack-section table").forEach(function (el) {
      el.tabIndex = 0;
      el.setAttribute("role", "group"); // not a landmark: a page may hold several
      if (!el.hasAttribute("aria-label")) {
        var owner = el.closest("figure, section, details, main");
        var h = owner && owner.querySelector("h1, h2, h3, summary");
        el.setAttribute("aria-label", (h ? h.textContent : document.title).trim());
      }
    });
  }

  // The navigation's dashboards menu closes with Escape and when the
  // reader clicks elsewhere.
  function menus() {
    document.querySelectorAll("details.menu").forEach(function (d) {
      d.addEventListener("keydown", function (e) {
        if (e.key === "Escape" && d.open) { d.open = false; d.querySelector("summary").focus(); }
      });
    });
    document.addEventListener("click", function (e) {
      document.querySelectorAll("details.menu[open]").forEach(function (d) { if (!d.contains(e.target)) d.open = false; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusableScrolls();
    menus();
    document.querySelectorAll(".chart[data-option]").forEach(draw);
    document.querySelectorAll("form.network-tools").forEach(networkTools);
    document.querySelectorAll("select.map-measure").forEach(function (sel) {
      sel.addEventListener("change", function () {
        var chart = charts[sel.dataset.chart];
        var el = document.getElementById(sel.dataset.chart);
        if (!chart || el.dataset.drawn !== "map") return;
        var o = mapOption(el, Number(sel.value));
        o.tooltip.renderMode = "richText";
        chart.setOption(o);
      });
    });
    // A mission document chosen as a file goes into the form's text box,
    // where the administrator sees what will be sent.
    document.querySelectorAll("input.mission-file").forEach(function (input) {
      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        if (!file) return;
        file.text().then(function (text) { document.getElementById(input.dataset.target).value = text; });
        // Not the template any more: its reference geography is not loaded.
        var template = input.form.querySelector("input[name=template]");
        if (template) template.remove();
      });
    });
    document.querySelectorAll("button.png").forEach(function (b) {
      b.addEventListener("click", function () { downloadPNG(b); });
    });
    window.addEventListener("resize", function () {
      Object.keys(charts).forEach(function (k) { charts[k].resize(); });
    });
    document.documentElement.dataset.chartsReady = String(Object.keys(charts).length);
  });
})();
