// Begira page script: draws every chart from the JSON option the server
// wrote next to it, wires PNG export and click-to-drill. No inline script,
// no external request.
(function () {
  "use strict";
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var charts = {};
  var views = {}; // chart id → the options a network page toggles between
  var ALT = "begiraOrganisations";

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

  function prepare(option) {
    if (reduceMotion) option.animation = false;
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
    chart.setOption(prepare(option));
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
        chart.setOption(prepare(JSON.parse(v[r.value])), true);
        el.dataset.view = r.value;
        delete el.dataset.focused;
        out.textContent = "";
      });
    });
  }

  function downloadPNG(button) {
    var chart = charts[button.dataset.chart];
    if (!chart) return;
    var a = document.createElement("a");
    a.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
    a.download = button.dataset.name + ".png";
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  document.addEventListener("DOMContentLoaded", function () {
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
