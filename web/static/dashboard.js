// huifang dashboards: draws the charts of the page's JSON data block
// (#dash-data, written by web/dashboard.go) with ECharts. Every bar and point
// carries its numerator and denominator (shown on hover) and the list of
// policies behind it (opened on click); those under the regulator's target
// are red, and a dashed line marks the target. Tooltips are drawn on the
// canvas (renderMode richText): the CSP allows no inline styles.
(function () {
  "use strict";

  var RED = "#b42318";
  var PALETTE = ["#1d4f91", "#3ba272", "#d99a1e", "#73c0de", "#9a60b4", "#fc8452", "#5470c6", "#2f6f6a"];

  function init() {
    var block = document.getElementById("dash-data");
    if (!block || typeof echarts === "undefined") {
      return;
    }
    var data = JSON.parse(block.textContent);
    var charts = {};
    (data.charts || []).forEach(function (spec) {
      var el = document.getElementById(spec.id);
      if (!el) {
        return;
      }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      charts[spec.id] = { chart: chart, spec: spec, el: el };
      draw(charts[spec.id], data, spec.multi ? "success_rate" : "");
      chart.on("click", function (p) {
        if (p.data && p.data.href) {
          window.location.href = p.data.href;
        }
      });
    });
    var pick = document.getElementById("trend-rate");
    if (pick) {
      pick.addEventListener("change", function () {
        (pick.getAttribute("data-charts") || "").split(" ").forEach(function (id) {
          if (charts[id]) {
            draw(charts[id], data, pick.value);
          }
        });
      });
    }
    window.addEventListener("resize", function () {
      Object.keys(charts).forEach(function (id) { charts[id].chart.resize(); });
    });
  }

  function target(data, rate) {
    if (rate === "success_rate") {
      return data.success_target;
    }
    if (rate === "resolution_rate") {
      return data.resolution_target;
    }
    return 0;
  }

  function percent(v) {
    return v === null || v === undefined ? "—" : v.toFixed(2) + "%";
  }

  // draw sets a chart's option: one series per rate, or for a multi chart
  // one series per company of the rate chosen.
  function draw(c, data, rate) {
    var spec = c.spec;
    var list = (spec.series || []).filter(function (s) { return !spec.multi || s.rate === rate; });
    var marked = {};
    var series = list.map(function (s) {
      var name = spec.multi ? s.name : data.names[s.rate] || s.rate;
      var out = {
        name: name,
        type: spec.kind === "line" ? "line" : "bar",
        connectNulls: false,
        symbolSize: 7,
        barMaxWidth: 36,
        data: s.points.map(function (pt) {
          var d = { value: pt.value, num: pt.num, den: pt.den, href: pt.href || "", below: !!pt.below };
          if (pt.below && spec.kind === "line") {
            // The point keeps its line's colour, so that the company
            // stays told apart, in a red diamond.
            d.itemStyle = { borderColor: RED, borderWidth: 2 };
            d.symbolSize = 11;
            d.symbol = "diamond";
          } else if (pt.below) {
            // The bar keeps its series' colour (the rates stay told
            // apart), with a red border and a red marker above it.
            d.itemStyle = { borderColor: RED, borderWidth: 2 };
            d.label = { show: true, position: "top", formatter: "▼", color: RED, fontSize: 11 };
          }
          return d;
        })
      };
      var t = target(data, s.rate);
      if (t && !marked[s.rate]) {
        marked[s.rate] = true;
        out.markLine = {
          silent: true, symbol: "none",
          lineStyle: { color: RED, type: "dashed", width: 1 },
          label: { formatter: (data.names.target || "target") + " " + t + "%", position: "insideEndTop", color: RED },
          data: [{ yAxis: t }]
        };
      }
      return out;
    });
    c.chart.setOption({
      animation: false,
      color: PALETTE,
      grid: { left: 48, right: 24, top: 40, bottom: spec.categories && spec.categories.length > 6 ? 64 : 40 },
      legend: { top: 0, type: "scroll" },
      tooltip: {
        trigger: "item",
        renderMode: "richText",
        formatter: function (p) {
          var d = p.data || {};
          return p.seriesName + "\n" + p.name + ": " + percent(d.value) + "  (" + d.num + " ÷ " + d.den + ")";
        }
      },
      xAxis: { type: "category", data: spec.categories || [], axisLabel: { interval: 0, rotate: spec.categories && spec.categories.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: series
    }, true);
    c.el.setAttribute("data-rendered", String(series.length));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
