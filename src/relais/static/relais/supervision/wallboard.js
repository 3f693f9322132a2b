// The wallboard: renders the LiveFigures frames the supervision WebSocket pushes
// (docs/supervision.md): KPI tiles coloured by the server's levels, alerts to acknowledge,
// site kinds and partners side by side, the day chart in its window, the agent grid with
// client-side filters (on agents the server already scoped) and times ticking each second.
import { everySecond, tickText } from "../ticking.js";

const labels = JSON.parse(document.getElementById("live-labels").textContent);
let figures = JSON.parse(document.getElementById("live-figures").textContent);
const windowSpec = JSON.parse(document.getElementById("chart-window").textContent);
const root = document.getElementById("wallboard");
const tv = root.dataset.tv === "1";
const lang = document.documentElement.lang || "en";
const french = lang.startsWith("fr");
const colon = french ? "\u202f: " : ": ";
const dimension = document.getElementById("dimension");
const chartBox = document.getElementById("day-chart");
const chart = window.echarts ? window.echarts.init(chartBox) : null;
const STATE_ORDER = ["available", "busy", "wrap_up", "break", "disconnected", "offline"];
const localAcks = new Map(); // "kind|key" -> {since, by, at}: until the next frame says so too
let receivedAt = Date.now();

const integer = new Intl.NumberFormat(lang);
// figures in words come from the server (live.wording, apps/l10n): row.display[name]
const shown = (row, key) => (row.display && row.display[key] !== undefined ? row.display[key] : "—");
const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, k) => values[k]);
const clock = (date, zone) =>
  date.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", timeZone: zone || undefined });

export function mmss(seconds) {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${String(m).padStart(2, "0")}:${s}`;
}

const name = (row, dim) => {
  if (dim === "queue" && french && row.label_fr) return row.label_fr;
  return labels[row.label] || row.label;
};
const states = (byState) =>
  Object.entries(byState || {}).map(([s, n]) => `${labels[s] || s} ${n}`).join(", ");
const staffed = (byState) => Object.values(byState || {}).reduce((a, b) => a + b, 0);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (k === "testid") node.dataset.testid = v;
    else if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function levelBadge(level) {
  if (!level) return null;
  return el("span", { class: `badge ms-1 wb-level wb-lvl-${level}`, text: labels[level] });
}

function cell(tr, text, testid, level) {
  const td = el("td", { testid, text });
  if (level) { td.classList.add(`wb-${level}`); td.dataset.level = level; }
  tr.appendChild(td);
  return td;
}

// -- KPI tiles --------------------------------------------------------------------------

function tile(label, value, testid, level, detail) {
  const body = el("div", { class: "card-body" },
    el("div", { class: "subheader text-secondary", text: label }),
    el("div", { class: "wb-figure", testid, text: value }),
  );
  const line = el("div", { class: "small text-secondary" });
  if (detail) line.append(detail);
  const badge = levelBadge(level);
  if (badge) line.append(badge);
  body.append(line);
  const card = el("div", { class: `card card-sm wb-tile${level ? ` wb-${level}` : ""}`, testid: `tile-${testid}` }, body);
  if (level) card.dataset.level = level;
  return card;
}

function renderTotals() {
  const t = figures.totals;
  const levels = t.levels || {};
  const byState = el("div", { class: "d-flex flex-wrap gap-1 mt-1", testid: "total-states" });
  for (const s of STATE_ORDER) {
    const n = (t.agents_by_state || {})[s];
    if (n) byState.append(el("span", { class: `badge wb-st-${s}`, testid: `total-state-${s}`, text: `${labels[s]} ${n}` }));
  }
  if (!byState.children.length) byState.append(el("span", { class: "text-secondary", text: labels.no_agent }));
  const agents = (el("div", { class: "card card-sm wb-tile wb-tile-wide", testid: "tile-total-agents" },
    el("div", { class: "card-body" },
      el("div", { class: "subheader text-secondary", text: labels.agents_by_state }),
      el("div", { class: "wb-figure", testid: "total-agents", text: integer.format(staffed(t.agents_by_state)) }),
      byState)));
  const longest = t.longest_wait_seconds === null ? null : `${labels.longest_today} ${shown(t, "longest_wait_seconds")}`;
  document.getElementById("totals").replaceChildren(
    tile(labels.sl_now, shown(t, "service_level_30m"), "total-sl-now", levels.service_level_30m),
    tile(labels.sl_today, shown(t, "service_level"), "total-sl", levels.service_level),
    tile(labels.waiting, shown(t, "waiting"), "total-waiting", levels.waiting),
    tile(labels.longest_wait, t.oldest_waiting_seconds === null ? "—" : mmss(t.oldest_waiting_seconds), "total-oldest", levels.oldest_waiting_seconds, longest),
    tile(labels.abandonment, shown(t, "abandonment_rate"), "total-abandonment", levels.abandonment_rate, shown(t, "abandoned")),
    tile(labels.answered, shown(t, "answered"), "total-answered", null, `${labels.offered} ${shown(t, "offered")}`),
    agents,
  );
  if (t.service_level_target !== null) {
    document.getElementById("targets-note").textContent = fill(labels.targets, {
      sl: shown(t, "service_level_target"), t: shown(t, "service_level_seconds"),
    });
  }
}

// -- alerts -----------------------------------------------------------------------------

function ackOf(alert) {
  if (alert.acknowledged_by) return { by: alert.acknowledged_by, at: alert.acknowledged_at };
  const local = localAcks.get(`${alert.kind}|${alert.key}`);
  return local && local.since === alert.since ? local : null;
}

const alertText = (alert) => alert.text; // a sentence in the viewer's language (live.wording)

async function acknowledge(alert, button) {
  button.disabled = true;
  const form = new FormData(document.getElementById("ack-form"));
  form.set("kind", alert.kind);
  form.set("key", alert.key);
  const response = await fetch(document.getElementById("ack-form").action, {
    method: "POST", body: form, headers: { Accept: "application/json" }, credentials: "same-origin",
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    button.disabled = false;
    button.title = answer.message || labels.ack_failed;
    button.closest("li").append(el("span", { class: "text-danger small ms-2", role: "alert", text: answer.message || labels.ack_failed }));
    return;
  }
  localAcks.set(`${alert.kind}|${alert.key}`, { since: alert.since, by: answer.acknowledged_by, at: answer.acknowledged_at });
  renderAlerts();
  document.getElementById("alerts-title").focus?.();
}

function renderAlerts() {
  const list = document.getElementById("alerts");
  const alerts = [...figures.alerts].sort((a, b) => Number(Boolean(ackOf(a))) - Number(Boolean(ackOf(b))));
  list.replaceChildren();
  let open = 0;
  for (const alert of alerts) {
    const ack = ackOf(alert);
    const li = el("li", {
      class: `list-group-item d-flex flex-wrap align-items-center gap-2 py-1 wb-alert${ack ? " wb-acked" : ""}`,
      testid: `alert-${alert.kind}-${alert.key}`,
    });
    li.dataset.acknowledged = ack ? "1" : "0";
    li.append(el("i", { class: `ti ${ack ? "ti-bell-check" : "ti-alert-triangle"} ${ack ? "text-secondary" : "wb-alert-icon"}`, "aria-hidden": "true" }));
    li.append(el("span", { class: "me-auto", testid: "alert-text", text: alertText(alert) }));
    if (ack) {
      li.append(el("span", { class: "small text-secondary", testid: "alert-ack", text: fill(labels.acknowledged_by, { name: ack.by, time: clock(new Date(ack.at)) }) }));
    } else {
      open += 1;
      if (!tv) {
        const button = el("button", { type: "button", class: "btn btn-sm", testid: "alert-acknowledge" },
          el("i", { class: "ti ti-check", "aria-hidden": "true" }), ` ${labels.acknowledge}`);
        button.setAttribute("aria-label", `${labels.acknowledge}${colon}${alertText(alert)}`);
        button.dataset.focus = `ack-${alert.kind}-${alert.key}`;
        button.addEventListener("click", () => acknowledge(alert, button));
        li.append(button);
      }
    }
    list.append(li);
  }
  document.getElementById("alerts-count").textContent = open ? integer.format(open) : "";
  document.getElementById("alerts-empty").hidden = figures.alerts.length > 0;
}

// -- side by side -----------------------------------------------------------------------

function renderCompare(dim, bodyId) {
  const body = document.getElementById(bodyId);
  body.replaceChildren();
  for (const row of figures.rows[dim] || []) {
    const tr = el("tr", { testid: `compare-${dim}-${row.key}` });
    const levels = row.levels || {};
    const th = el("th", { scope: "row", text: name(row, dim) });
    tr.append(th);
    cell(tr, shown(row, "service_level_30m"), "sl-now", levels.service_level_30m);
    cell(tr, shown(row, "service_level"), "sl-today", levels.service_level);
    cell(tr, shown(row, "answered"), "answered");
    cell(tr, shown(row, "abandonment_rate"), "abandonment", levels.abandonment_rate);
    cell(tr, integer.format(staffed(row.agents_by_state)), "staffed");
    body.append(tr);
  }
  if (!body.children.length) {
    body.append(el("tr", {}, el("td", { colspan: "6", class: "text-secondary", text: "—" })));
  }
}

// -- figures by dimension -----------------------------------------------------------------

function renderFigures() {
  if (!dimension) return;
  const dim = dimension.value;
  const body = document.getElementById("figures-body");
  body.replaceChildren();
  for (const row of figures.rows[dim] || []) {
    const levels = row.levels || {};
    const tr = el("tr", { testid: `row-${dim}-${row.key}` });
    cell(tr, name(row, dim));
    cell(tr, shown(row, "waiting"), "waiting", levels.waiting);
    cell(tr, shown(row, "oldest_waiting_seconds"));
    cell(tr, shown(row, "offered"), "offered");
    cell(tr, shown(row, "answered"), "answered");
    cell(tr, shown(row, "abandoned"));
    cell(tr, shown(row, "service_level"), "service-level", levels.service_level);
    cell(tr, shown(row, "service_level_30m"), null, levels.service_level_30m);
    cell(tr, shown(row, "average_speed_of_answer"));
    cell(tr, shown(row, "average_handling_time"));
    cell(tr, shown(row, "abandonment_rate"), null, levels.abandonment_rate);
    cell(tr, shown(row, "occupancy"));
    cell(tr, states(row.agents_by_state));
    body.appendChild(tr);
  }
}

// -- the agent grid -------------------------------------------------------------------------

const filters = [...document.querySelectorAll("[data-filter]")];
const sorter = document.getElementById("agents-sort");
const agentValue = (agent, key) => (key === "partner" ? labels[agent.partner] || agent.partner : agent[key]);

function refreshFilterOptions() {
  for (const select of filters) {
    const key = select.dataset.filter;
    const values = [...new Set(figures.agents.map((a) => a[key]).filter((v) => v))];
    if (key === "state") values.sort((a, b) => STATE_ORDER.indexOf(a) - STATE_ORDER.indexOf(b));
    else values.sort((a, b) => String(agentValue({ [key]: a }, key)).localeCompare(agentValue({ [key]: b }, key), lang));
    const chosen = select.value;
    const first = select.options[0];
    select.replaceChildren(first);
    for (const value of values) {
      const text = key === "state" ? labels[value] || value : agentValue({ [key]: value }, key);
      select.append(el("option", { value, text }));
    }
    if (chosen && !values.includes(chosen)) select.append(el("option", { value: chosen, text: key === "state" ? labels[chosen] || chosen : agentValue({ [key]: chosen }, key) }));
    select.value = chosen;
  }
}

function sortAgents(agents) {
  const by = sorter ? sorter.value : "state";
  const time = (a, b) => b.seconds_in_state - a.seconds_in_state;
  const byName = (a, b) => a.label.localeCompare(b.label, lang);
  if (by === "name") return agents.sort(byName);
  if (by === "time") return agents.sort((a, b) => time(a, b) || byName(a, b));
  return agents.sort((a, b) =>
    STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state) || time(a, b) || byName(a, b));
}

function renderAgents() {
  const body = document.getElementById("agents-body");
  const chosen = filters.map((s) => [s.dataset.filter, s.value]).filter(([, v]) => v);
  const shown = sortAgents(figures.agents.filter((a) => chosen.every(([k, v]) => a[k] === v)));
  body.replaceChildren();
  for (const agent of shown) {
    const li = el("li", { class: `wb-agent wb-state-${agent.state}`, testid: `agent-${agent.key}` });
    li.dataset.state = agent.state;
    li.dataset.since = String(receivedAt - agent.seconds_in_state * 1000);
    const link = tv
      ? el("span", { class: "wb-agent-name", text: agent.label })
      : el("a", { class: "wb-agent-name", href: `/supervision/agents/${encodeURIComponent(agent.key)}/coaching/`, testid: "coach-agent", text: agent.label, "data-focus": `coach-${agent.key}` });
    const place = [agent.team, agent.site, agent.partner === "internal" ? null : agentValue(agent, "partner")].filter((v) => v).join(" · ");
    li.append(
      el("div", { class: "wb-agent-top" }, link,
        el("span", { class: "wb-time", testid: "time-in-state", text: mmss(agent.seconds_in_state) })),
      el("div", { class: "wb-agent-bottom" },
        el("span", { class: `badge wb-badge wb-st-${agent.state}`, testid: "state", text: labels[agent.state] || agent.state }),
        agent.reason ? el("span", { class: "wb-reason", testid: "reason", text: agent.reason }) : null,
        el("span", { class: "wb-place", title: place, text: place }),
        el("span", { class: "wb-handled", title: labels.handled, testid: "handled", text: agent.handled })),
    );
    body.append(li);
  }
  document.getElementById("agents-shown").textContent = fill(labels.shown, { shown: shown.length, total: figures.agents.length });
  document.getElementById("agents-empty").hidden = shown.length > 0;
}

function tick() {
  const now = Date.now();
  for (const li of document.querySelectorAll("#agents-body > li")) {
    const time = li.querySelector("[data-testid=time-in-state]");
    if (time) tickText(time, mmss((now - Number(li.dataset.since)) / 1000));
  }
}

// -- the day chart ----------------------------------------------------------------------------

export function windowBounds(spec, at) {
  // the chart's [start, end) in epoch seconds: the server's opening window, or the last hours to now
  if (spec.mode === "last") {
    const now = at / 1000;
    return [now - spec.hours * 3600 - ((now - spec.hours * 3600) % 900), now];
  }
  return [spec.start, spec.end];
}

function renderChart() {
  const [start, end] = windowBounds(windowSpec, new Date(figures.at).getTime());
  const zone = windowSpec.time_zone;
  const note = windowSpec.mode === "last"
    ? fill(labels.window_last, { hours: windowSpec.hours, zone })
    : fill(labels.window_opening, { start: clock(new Date(start * 1000), zone), end: clock(new Date(end * 1000), zone), zone });
  document.getElementById("window-note").textContent = note;
  chartBox.dataset.start = String(start);
  chartBox.dataset.end = String(end);
  if (!chart) return;
  const c = figures.chart;
  const slots = [];
  for (let t = start; t < end; t += 900) slots.push(t);
  const position = new Map(c.intervals.map((t, i) => [Math.round(new Date(t).getTime() / 1000), i]));
  const pick = (values) => slots.map((t) => (position.has(t) ? values[position.get(t)] : null));
  chartBox.dataset.first = slots.length ? clock(new Date(slots[0] * 1000), zone) : "";
  const kinds = Object.keys(c.answered);
  const series = kinds.map((k) => ({ name: labels[k] || k, type: "bar", stack: "answered", data: pick(c.answered[k]) }));
  series.push({ name: labels.unanswered, type: "bar", stack: "answered", data: pick(c.unanswered) });
  for (const k of kinds) {
    series.push({
      name: `${labels.service_level} ${labels[k] || k}`, type: "line", yAxisIndex: 1, connectNulls: true,
      data: pick(c.service_level[k]).map((v) => (v === null || v === undefined ? null : Math.round(v * 100))),
    });
  }
  const big = tv ? 18 : 12;
  chart.setOption({
    animation: false, tooltip: { trigger: "axis" }, legend: { type: "scroll", textStyle: { fontSize: big } },
    grid: { left: 48, right: 48, top: 40, bottom: 28 },
    xAxis: { type: "category", data: slots.map((t) => clock(new Date(t * 1000), zone)), axisLabel: { fontSize: big } },
    yAxis: [{ type: "value", minInterval: 1, axisLabel: { fontSize: big } },
      { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value} %", fontSize: big } }],
    series,
  }, true);
}

// A frame re-renders the lists: keep the keyboard focus on the same control (data-focus).
function keepingFocus(draw) {
  const key = document.activeElement?.dataset?.focus;
  draw();
  if (key) document.querySelector(`[data-focus="${CSS.escape(key)}"]`)?.focus();
}

function render() {
  keepingFocus(renderAll);
}

function renderAll() {
  receivedAt = Date.now();
  document.getElementById("live-at").textContent = new Date(figures.at).toLocaleTimeString(lang);
  renderTotals();
  renderAlerts();
  renderCompare("site_kind", "compare-site-kind");
  renderCompare("partner", "compare-partner");
  renderFigures();
  refreshFilterOptions();
  renderAgents();
  renderChart();
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/supervision/`);
  const status = document.getElementById("live-status");
  const show = (text, state) => {
    status.textContent = text; status.dataset.state = state; status.className = `badge wb-live-${state}`;
  };
  socket.onopen = () => show(labels.connected, "live");
  socket.onmessage = (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === "supervision.figures") { figures = frame; render(); }
    if (frame.type === "session.ended") socket.ended = frame.message;
  };
  socket.onclose = (event) => {
    if (socket.ended || event.code === 4401) {
      // the session ended (signed out, deactivated…): say so, never reconnect
      show(socket.ended || labels.ended, "ended");
      return;
    }
    show(labels.reconnecting, "closed");
    setTimeout(connect, 2000);
  };
}

dimension?.addEventListener("change", renderFigures);
for (const select of [...filters, sorter]) select?.addEventListener("change", () => keepingFocus(renderAgents));
window.addEventListener("resize", () => chart?.resize());
if (tv) {
  const button = document.getElementById("fullscreen");
  button?.addEventListener("click", () => document.documentElement.requestFullscreen?.().catch(() => {}));
  // a wall screen runs for days: reload every 30 minutes (the day rolls over, new code)
  setTimeout(() => location.reload(), 30 * 60 * 1000);
}
render();
everySecond(tick);
connect();
