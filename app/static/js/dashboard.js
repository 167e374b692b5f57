/* 经营看板 charts: read the page's JSON block (#dashboard-data) and draw each
 * [data-chart] element with the vendored ECharts. No inline script (issue 9: CSP);
 * every figure drawn here is also written as text in the page's tables. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);

  function numbers(values) {
    return values.map(function (v) { return v === null ? null : Number(v); });
  }

  function bars(chart, stacked) {
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 50, right: 16, top: 32, bottom: 48 },
      xAxis: { type: "category", data: chart.labels, axisLabel: { interval: 0, rotate: chart.labels.length > 5 ? 30 : 0 } },
      yAxis: { type: "value" },
      series: chart.series.map(function (s) {
        return { name: s.name, type: "bar", stack: stacked ? "all" : undefined, data: numbers(s.values) };
      })
    };
  }

  var builders = {
    kpis: function (c) { var o = bars(c, false); o.yAxis.max = 100; o.yAxis.axisLabel = { formatter: "{value}%" }; return o; },
    parking: function (c) { return bars(c, true); },
    centres: function (c) { return bars(c, false); },
    aging: function (c) {
      return {
        tooltip: { trigger: "item", valueFormatter: function (v) { return "¥" + Number(v).toLocaleString("zh-CN", { minimumFractionDigits: 2 }); } },
        legend: { bottom: 0 },
        series: [{ name: c.name, type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"],
          data: c.labels.map(function (label, i) { return { name: label, value: Number(c.values[i]) }; })
            .filter(function (p) { return p.value > 0; }) }]
      };
    }
  };

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var name = el.getAttribute("data-chart");
    if (!builders[name] || !data[name]) { return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(builders[name](data[name]));
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
}());
