// Begira page script: draws every chart from the JSON option the server
// wrote next to it, wires PNG export and click-to-drill. No inline script,
// no external request.
(function () {
  "use strict";
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var charts = {};

  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function drillURL(base, drill, params) {
    if (!drill) return null;
    var url = new URL(base, window.location.href);
    if (Array.isArray(params.value) && drill.y_param) {
      // Heatmap item: [x index, y index, value].
      url.searchParams.set(drill.x_param, drill.x[params.value[0]]);
      url.searchParams.set(drill.y_param, drill.y[params.value[1]]);
    } else if (drill.x_param && params.dataIndex != null && drill.x[params.dataIndex]) {
      url.searchParams.set(drill.x_param, drill.x[params.dataIndex]);
    } else {
      return null;
    }
    return url.toString();
  }

  function draw(el) {
    var option = readJSON(el.dataset.option);
    if (!option || !window.echarts) return;
    if (reduceMotion) option.animation = false;
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    charts[el.id] = chart;
    var drill = readJSON(el.dataset.drill);
    if (drill) {
      el.style.cursor = "pointer";
      chart.on("click", function (params) {
        var url = drillURL(el.dataset.projects, drill, params);
        if (url) window.location.href = url;
      });
    }
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
    document.querySelectorAll("button.png").forEach(function (b) {
      b.addEventListener("click", function () { downloadPNG(b); });
    });
    window.addEventListener("resize", function () {
      Object.keys(charts).forEach(function (k) { charts[k].resize(); });
    });
    document.documentElement.dataset.chartsReady = String(Object.keys(charts).length);
  });
})();
