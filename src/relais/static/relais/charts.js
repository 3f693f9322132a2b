// Charts of Relais pages (ECharts, vendored in static/vendor/echarts). Each element
// <div data-chart="<json_script id>"> gets the chart its data describes:
//   {categories: [...], axes: [{unit: "count"|"percent"|"seconds"|"decimal"}] (left, then right),
//    series: [{name, type: "bar"|"line", values: [...], stack?, axis?: 0|1, color?, step?}],
//    zoom?: true for long series (a slider below the chart)}
//   A series of type "interval" has values [[low, high], ...] drawn as error bars (95 % intervals).
// The planning pages (forecast, staffing, coverage) and the reports use it alike.
// Colours are Tabler's (--tblr-<color>); numbers read in the page's language (92,4 % in
// French). The chart is an image for assistive technology: the element carries role="img"
// and an aria-label, and a table beside it gives the figures.
(function () {
  "use strict";
  const language = document.documentElement.lang || "fr";
  const PALETTE = ["blue", "orange", "green", "purple", "red", "cyan", "pink", "yellow", "teal", "indigo"];
  function colour(name) {
    const value = getComputedStyle(document.documentElement).getPropertyValue("--tblr-" + name).trim();
    return value || undefined;
  }
  function formatter(unit) {
    if (unit === "percent") {
      const number = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
      return (v) => (v === null || v === undefined ? "—" : language.startsWith("fr") ? number.format(v) + "\u202f%" : number.format(v) + "%");
    }
    if (unit === "seconds") {
      return (v) => (v === null || v === undefined ? "—" : String(Math.floor(v / 60)).padStart(2, "0") + ":" + String(Math.round(v % 60)).padStart(2, "0"));
    }
    const number = new Intl.NumberFormat(language, { maximumFractionDigits: unit === "decimal" ? 1 : 0 });
    return (v) => (v === null || v === undefined ? "—" : number.format(v));
  }
  // Error bars: a vertical line from low to high with short caps, one per category.
  function errorBars(s, tint) {
    return {
      name: s.name,
      type: "custom",
      yAxisIndex: s.axis || 0,
      itemStyle: { color: tint || "#333" },
      data: s.values.map((pair, index) => [index, pair ? pair[0] : null, pair ? pair[1] : null]),
      encode: { x: 0, y: [1, 2] },
      renderItem: (params, api) => {
        if (api.value(1) === null || api.value(2) === null || isNaN(api.value(1))) return null;
        const low = api.coord([api.value(0), api.value(1)]);
        const high = api.coord([api.value(0), api.value(2)]);
        const cap = api.size([1, 0])[0] * 0.15;
        const style = { stroke: api.visual("color"), lineWidth: 2 };
        return {
          type: "group",
          children: [
            { type: "line", shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] }, style },
            { type: "line", shape: { x1: low[0] - cap, y1: low[1], x2: low[0] + cap, y2: low[1] }, style },
            { type: "line", shape: { x1: high[0] - cap, y1: high[1], x2: high[0] + cap, y2: high[1] }, style },
          ],
        };
      },
      z: 10,
    };
  }
  function draw(element) {
    const source = document.getElementById(element.dataset.chart);
    if (!source || typeof echarts === "undefined") return;
    const data = JSON.parse(source.textContent);
    const axes = data.axes && data.axes.length ? data.axes : [{ unit: "count" }];
    const formats = axes.map((axis) => formatter(axis.unit));
    const dense = data.categories.length > 48;
    const colon = language.startsWith("fr") ? "\u202f: " : ": ";
    const series = data.series.map((s, index) => {
      const tint = colour(s.color || PALETTE[index % PALETTE.length]);
      if (s.type === "interval") return errorBars(s, tint);
      return {
        name: s.name,
        type: s.type || "bar",
        stack: s.stack || undefined,
        yAxisIndex: s.axis || 0,
        showSymbol: s.type === "line" && !dense,
        step: s.step || false,
        itemStyle: tint ? { color: tint } : undefined,
        lineStyle: tint ? { color: tint, width: 2 } : undefined,
        data: s.values,
      };
    });
    const chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      aria: { enabled: false },
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: {
        trigger: "axis",
        valueFormatter: undefined,
        formatter: (points) => {
          const lines = [points[0].axisValueLabel];
          for (const p of points) {
            const axis = data.series[p.seriesIndex].axis || 0;
            const shown = data.series[p.seriesIndex].type === "interval"
              ? formats[axis](p.value[1]) + " – " + formats[axis](p.value[2])
              : formats[axis](p.value);
            lines.push(p.marker + p.seriesName + colon + shown);
          }
          return lines.join("<br>");
        },
      },
      legend: { top: 0, type: "scroll" },
      grid: { left: 50, right: axes.length > 1 ? 55 : 20, top: 40, bottom: data.zoom ? 60 : 30 },
      xAxis: { type: "category", data: data.categories },
      dataZoom: data.zoom ? [{ type: "inside" }, { type: "slider", height: 18, bottom: 8 }] : undefined,
      yAxis: axes.map((axis, index) => ({
        type: "value",
        minInterval: axis.unit === "count" ? 1 : undefined,
        max: axis.unit === "percent" ? 100 : undefined,
        splitLine: { show: index === 0 },
        axisLabel: { formatter: formats[index] },
      })),
      series: series,
    });
    window.addEventListener("resize", () => chart.resize());
  }
  function start() { document.querySelectorAll("[data-chart]").forEach(draw); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
