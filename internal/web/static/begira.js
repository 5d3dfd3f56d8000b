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
    if (mark.p) {
      // A page of its own (a project's), in the page's scope.
      url.pathname = url.pathname.replace(/\/projects$/, "/" + mark.p);
    }
    Object.keys(mark.q || {}).forEach(function (k) { url.searchParams.set(k, mark.q[k]); });
    return url.toString();
  }

  // choropleth turns the territory bubbles into coloured municipalities when
  // an administrator configured boundaries: the GeoJSON comes from this
  // server, and the values from the panel's own data table.
  function choropleth(el, option) {
    return fetch(el.dataset.geojson, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("geojson " + r.status);
      return r.json();
    }).then(function (geo) {
      window.echarts.registerMap("begira", geo);
      var data = [];
      var max = 1;
      el.closest(".panel").querySelectorAll("tbody tr").forEach(function (tr) {
        var td = tr.querySelectorAll("td");
        var v = Number(td[1].dataset.raw);
        if (v > max) max = v;
        data.push({ name: td[0].dataset.raw, value: v });
      });
      delete option.xAxis; delete option.yAxis; delete option.grid;
      option.series = [{ type: "map", map: "begira", nameProperty: el.dataset.geojsonName || "name", roam: true, data: data }];
      option.visualMap = { min: 0, max: max, left: "left", bottom: 10, calculable: true, inRange: { color: ["#ffffff", "#4575b4", "#313695"] } };
      option.legend = { show: false };
      return option;
    });
  }

  function draw(el) {
    var option = readJSON(el.dataset.option);
    if (!option || !window.echarts) return;
    if (el.dataset.geojson) {
      choropleth(el, option).then(function (o) { render(el, o); }).catch(function () { render(el, option); });
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
    document.querySelectorAll("button.png").forEach(function (b) {
      b.addEventListener("click", function () { downloadPNG(b); });
    });
    window.addEventListener("resize", function () {
      Object.keys(charts).forEach(function (k) { charts[k].resize(); });
    });
    document.documentElement.dataset.chartsReady = String(Object.keys(charts).length);
  });
})();
