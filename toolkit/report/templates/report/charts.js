/* Draws the report's figures (see toolkit.report.text.chart): those near the screen first, the rest while the
   browser is idle, all of them before printing. Charts fill their container; for print they are redrawn at the
   page's content width (A4, 14 mm margins: 680 px) and restored afterwards. */
(function () {
  "use strict";
  var PRINT_WIDTH = 680;
  var config = {responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"]};
  var pending = new Map();
  document.querySelectorAll("script.chart-data").forEach(function (s) { pending.set(s.dataset.chart, s); });
  function draw(id) {
    var source = pending.get(id);
    if (!source) { return; }
    pending.delete(id);
    var spec = JSON.parse(source.textContent);
    var div = document.getElementById(id);
    spec.layout.autosize = true;
    delete spec.layout.width;
    fitPolar(spec.layout, div.getBoundingClientRect().width);
    Plotly.newPlot(div, spec.data, spec.layout, config);
  }
  /* Polar charts get no automatic margins: on a narrow screen their category labels get smaller type. */
  function fitPolar(layout, width) {
    if (!layout.polar || width >= 560) { return; }
    layout.polar.angularaxis = layout.polar.angularaxis || {};
    layout.polar.angularaxis.tickfont = {size: 9};
    layout.margin = layout.margin || {};
    layout.margin.l = layout.margin.r = 70;
  }
  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) { if (e.isIntersecting) { observer.unobserve(e.target); draw(e.target.id); } });
  }, {rootMargin: "400px 0px"}) : null;
  pending.forEach(function (_, id) { if (observer) { observer.observe(document.getElementById(id)); } });
  var later = window.requestIdleCallback || function (f) { return setTimeout(f, 30); };
  function drawNext() {
    var next = pending.keys().next();
    if (next.done) { return; }
    draw(next.value);
    later(drawNext);
  }
  if (document.readyState === "complete") { later(drawNext); } else {
    window.addEventListener("load", function () { later(drawNext); });
  }
  function charts() { return Array.prototype.slice.call(document.querySelectorAll(".js-plotly-plot")); }
  window.addEventListener("beforeprint", function () {
    Array.from(pending.keys()).forEach(draw);
    charts().forEach(function (div) {
      var width = Math.min(PRINT_WIDTH, div.parentElement.getBoundingClientRect().width || PRINT_WIDTH);
      Plotly.relayout(div, {width: width});
    });
  });
  window.addEventListener("afterprint", function () {
    charts().forEach(function (div) { Plotly.relayout(div, {width: null, autosize: true}); });
  });
  window.drawAllCharts = function () { Array.from(pending.keys()).forEach(draw); };
})();
