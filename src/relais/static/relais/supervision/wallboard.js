// The wallboard: renders the LiveFigures frames the supervision WebSocket pushes.
const labels = JSON.parse(document.getElementById("live-labels").textContent);
let figures = JSON.parse(document.getElementById("live-figures").textContent);
const french = document.documentElement.lang.startsWith("fr");
const dimension = document.getElementById("dimension");
const chart = window.echarts ? window.echarts.init(document.getElementById("day-chart")) : null;

const pct = (v) => (v === null || v === undefined ? "—" : `${Math.round(v * 100)} %`);
const secs = (v) => (v === null || v === undefined ? "—" : `${Math.round(v)} s`);
const name = (row, dim) => {
  if (dim === "queue" && french && row.label_fr) return row.label_fr;
  return labels[row.label] || row.label;
};
const states = (byState) =>
  Object.entries(byState || {}).map(([s, n]) => `${labels[s] || s} ${n}`).join(", ");

function cell(tr, text, testid) {
  const td = document.createElement("td");
  td.textContent = text;
  if (testid) td.dataset.testid = testid;
  tr.appendChild(td);
}

function renderFigures() {
  const dim = dimension.value;
  const body = document.getElementById("figures-body");
  body.replaceChildren();
  for (const row of figures.rows[dim] || []) {
    const tr = document.createElement("tr");
    tr.dataset.testid = `row-${dim}-${row.key}`;
    cell(tr, name(row, dim));
    cell(tr, row.waiting, "waiting");
    cell(tr, secs(row.oldest_waiting_seconds));
    cell(tr, row.offered, "offered");
    cell(tr, row.answered, "answered");
    cell(tr, row.abandoned);
    cell(tr, pct(row.service_level), "service-level");
    cell(tr, pct(row.service_level_30m));
    cell(tr, secs(row.average_speed_of_answer));
    cell(tr, secs(row.average_handling_time));
    cell(tr, pct(row.abandonment_rate));
    cell(tr, pct(row.occupancy));
    cell(tr, states(row.agents_by_state));
    body.appendChild(tr);
  }
}

function renderAgents() {
  const body = document.getElementById("agents-body");
  body.replaceChildren();
  for (const agent of figures.agents) {
    const tr = document.createElement("tr");
    tr.dataset.testid = `agent-${agent.key}`;
    cell(tr, "");
    const link = document.createElement("a"); // the agent view: instant messages, chat joins
    link.href = `/supervision/agents/${encodeURIComponent(agent.key)}/coaching/`;
    link.textContent = agent.label;
    link.dataset.testid = "coach-agent";
    tr.lastChild.appendChild(link);
    cell(tr, agent.team);
    cell(tr, agent.site);
    cell(tr, labels[agent.partner] || agent.partner);
    cell(tr, (labels[agent.state] || agent.state) + (agent.reason ? ` (${agent.reason})` : ""), "state");
    cell(tr, secs(agent.seconds_in_state));
    cell(tr, agent.handled, "handled");
    cell(tr, secs(agent.average_handling_time));
    cell(tr, pct(agent.occupancy));
    body.appendChild(tr);
  }
}

function renderTotals() {
  const t = figures.totals;
  const tiles = [
    [labels.waiting, t.waiting, "total-waiting"], [labels.offered, t.offered, "total-offered"],
    [labels.answered, t.answered, "total-answered"], [labels.service_level, pct(t.service_level), "total-sl"],
  ];
  const dl = document.getElementById("totals");
  dl.replaceChildren();
  for (const [label, value, testid] of tiles) {
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.textContent = value;
    dd.dataset.testid = testid;
    dl.append(dt, dd);
  }
}

function renderAlerts() {
  const list = document.getElementById("alerts");
  list.replaceChildren();
  for (const alert of figures.alerts) {
    const li = document.createElement("li");
    li.className = "alert";
    li.dataset.testid = `alert-${alert.kind}-${alert.key}`;
    const value = alert.kind === "service_level" ? pct(alert.value) : secs(alert.value);
    const threshold = alert.kind === "service_level" ? pct(alert.threshold) : secs(alert.threshold);
    li.textContent = alert.kind === "unreachable"
      ? `${labels.alert_unreachable}: ${alert.subject} (${labels.waiting} ${alert.value})`
      : `${labels[`alert_${alert.kind}`]}: ${alert.subject} (${value} / ${threshold})`;
    list.appendChild(li);
  }
}

function renderChart() {
  if (!chart) return;
  const c = figures.chart;
  const times = c.intervals.map((t) => new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
  const kinds = Object.keys(c.answered);
  const series = kinds.map((k) => ({ name: labels[k] || k, type: "bar", data: c.answered[k] }));
  series.push({ name: labels.unanswered, type: "bar", data: c.unanswered });
  for (const k of kinds) {
    series.push({
      name: `${labels.service_level} ${labels[k] || k}`, type: "line", yAxisIndex: 1, connectNulls: true,
      data: c.service_level[k].map((v) => (v === null ? null : Math.round(v * 100))),
    });
  }
  chart.setOption({
    animation: false, tooltip: { trigger: "axis" }, legend: { type: "scroll" },
    xAxis: { type: "category", data: times },
    yAxis: [{ type: "value", minInterval: 1 }, { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value} %" } }],
    series,
  }, true);
}

function render() {
  document.getElementById("live-at").textContent = new Date(figures.at).toLocaleTimeString();
  renderAlerts();
  renderTotals();
  renderFigures();
  renderAgents();
  renderChart();
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/supervision/`);
  const status = document.getElementById("live-status");
  socket.onopen = () => { status.textContent = labels.connected; status.dataset.state = "live"; };
  socket.onmessage = (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === "supervision.figures") { figures = frame; render(); }
    if (frame.type === "session.ended") socket.ended = frame.message;
  };
  socket.onclose = (event) => {
    status.dataset.state = "closed";
    if (socket.ended || event.code === 4401) {
      // the session ended (signed out, deactivated…): say so, never reconnect
      status.textContent = socket.ended || labels.disconnected;
      status.dataset.state = "ended";
      return;
    }
    status.textContent = labels.disconnected;
    setTimeout(connect, 2000);
  };
}

dimension.addEventListener("change", renderFigures);
render();
connect();
