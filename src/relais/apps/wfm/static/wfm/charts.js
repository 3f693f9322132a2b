// Planning charts (ECharts, vendored). Each <div class="chart" data-kind="..."
// data-source="<json_script id>"> gets a line chart; data-label-* attributes carry the
// translated series names. Times arrive as local-time strings of the site: the browser
// does no time-zone conversion.
(function () {
  "use strict";
  const LINES = {
    forecast: [["history", "#8a94a6"], ["forecast", "#b5562b"]],
    staffing: [["required", "#b5562b"], ["scheduled", "#2b6cb5"], ["volume", "#8a94a6"]],
    coverage: [["required", "#b5562b"], ["working", "#2b8a3e"]],
  };
  function draw(element) {
    const source = document.getElementById(element.dataset.source);
    if (!source || typeof echarts === "undefined") return;
    const data = JSON.parse(source.textContent);
    const lines = LINES[element.dataset.kind] || [];
    const times = [];
    const seen = new Set();
    for (const [key] of lines) {
      for (const [t] of data[key] || []) if (!seen.has(t)) { seen.add(t); times.push(t); }
    }
    times.sort();
    const series = lines.map(([key, color]) => {
      const values = new Map((data[key] || []).map(([t, v]) => [t, v]));
      return {
        name: element.dataset["label" + key.charAt(0).toUpperCase() + key.slice(1)] || key,
        type: "line",
        step: element.dataset.kind === "forecast" ? false : "end",
        showSymbol: false,
        yAxisIndex: key === "volume" ? 1 : 0,
        lineStyle: { color: color, width: key === "volume" ? 1 : 2 },
        itemStyle: { color: color },
        data: times.map((t) => (values.has(t) ? values.get(t) : null)),
      };
    });
    const chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 50, right: 50, top: 35, bottom: 60 },
      xAxis: { type: "category", data: times, name: data.time_zone || "" },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", show: element.dataset.kind === "staffing" }],
      dataZoom: [{ type: "inside" }, { type: "slider", height: 18, bottom: 8 }],
      series: series,
    });
    window.addEventListener("resize", () => chart.resize());
  }
  function start() { document.querySelectorAll(".chart[data-kind]").forEach(draw); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
