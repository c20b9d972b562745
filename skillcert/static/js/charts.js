// Renders every <div data-chart="ID"> from the JSON option in <script id="ID" type="application/json">
// (Django's json_script). No inline script, so the strict CSP holds; tooltips use ECharts'
// rich-text mode because its HTML tooltips carry inline styles the CSP would refuse.
(function () {
  "use strict";
  function render(root) {
    if (!window.echarts) { return; }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.chartReady) { return; }
      var source = document.getElementById(el.dataset.chart);
      if (!source) { return; }
      var option = JSON.parse(source.textContent);
      option.tooltip = Object.assign({ trigger: "axis", renderMode: "richText" }, option.tooltip || {});
      option.animation = false;
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(option);
      el.dataset.chartReady = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { render(document); });
  document.addEventListener("htmx:afterSettle", function (event) { render(event.target); });
})();
