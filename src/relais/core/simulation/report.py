"""The self-contained HTML report: tables with 95 % CIs and inline SVG charts.

`render_html_report(result, lang="fr")` for one scenario; with `against=other_result`, the
report also shows the paired differences B − A and both scenarios on the charts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from relais.core.simulation.charts import Series, line_chart
from relais.core.simulation.compare import compare
from relais.core.simulation.confidence import Estimate
from relais.core.simulation.labels import label
from relais.core.simulation.pricing import price_source
from relais.core.simulation.results import INTERNAL, ViewKey
from relais.core.simulation.scenario import LinkDown, Scenario
from relais.core.simulation.simulate import SimulationResult

__all__ = ["OutageWindow", "outage_windows", "render_html_report"]

_RATES = frozenset({"service_level", "abandonment_rate", "occupancy", "in_shift_shrinkage"})
_TABLE_METRICS = (
    "offered",
    "answered",
    "abandoned",
    "service_level",
    "average_speed_of_answer",
    "average_handling_time",
    "abandonment_rate",
    "occupancy",
)
_TOTAL_EXTRAS = ("dropped", "refused", "requeued", "callbacks_offered")
_COST_METRICS = (
    "billable_hours",
    "handled_contacts",
    "cost_hourly",
    "cost_per_contact",
    "cost_hourly_per_handled",
)
_GROUP_COST_METRICS = ("hours", "handled_contacts", "cost", "cost_per_handled")
_PARTNER_COST_METRICS = ("handled", "cost", "cost_per_handled")
_PRICE_COLUMNS = (
    "group",
    "site",
    "per_hour",
    "per_handled",
    "per_resolved",
    "resolved_share",
    "currency",
    "price_source",
)
_SERVICE_AND_COST = ("service_level", "abandonment_rate", "cost", "cost_per_handled")
_COMPARED = (
    "service_level",
    "average_speed_of_answer",
    "abandonment_rate",
    "answered",
    "cost",
    "cost_per_handled",
)
_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:1100px}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:13px}
th,td{border-bottom:1px solid #e5e5e5;padding:4px 10px;text-align:right}
th:first-child,td:first-child{text-align:left}
th{background:#f6f8fa}.ci{color:#777;font-size:11px}.sig{font-weight:600;color:#b02a37}
h1{font-size:22px}h2{font-size:17px;margin-top:2rem}p.note{color:#555;font-size:13px}
"""


def _format(metric: str, value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    if metric in _RATES:
        text = f"{value * 100:.1f} %"
    elif metric.startswith("cost"):
        text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"
    else:
        text = f"{value:,.1f}" if abs(value) < 1000 else f"{value:,.0f}"
    return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text


def _cell(metric: str, estimate: Estimate, lang: str) -> str:
    main = _format(metric, estimate.mean, lang)
    if estimate.half_width is None:
        return f"<td>{main}</td>"
    width = _format(metric, estimate.half_width, lang)
    return f'<td>{main} <span class="ci">± {width}</span></td>'


def _name(view: ViewKey, lang: str) -> str:
    if view[0] == "total":
        return label("total", lang)
    if view[0] == "partner" and view[1] == INTERNAL:
        return label("internal", lang)
    return view[1]


def _table(
    result: SimulationResult,
    views: list[ViewKey],
    metrics: tuple[str, ...],
    lang: str,
    names: list[str] | None = None,
) -> str:
    head = "".join(f"<th>{escape(label(m, lang))}</th>" for m in metrics)
    rows = [f"<table><tr><th>{escape(label('group', lang))}</th>{head}</tr>"]
    for number, view in enumerate(views):
        cells = "".join(_cell(m, result.estimate(view, m), lang) for m in metrics)
        name = names[number] if names is not None else _name(view, lang)
        rows.append(f"<tr><td>{escape(name)}</td>{cells}</tr>")
    rows.append("</table>")
    return "".join(rows)


def _has_cost(result: SimulationResult, view: ViewKey) -> bool:
    return any("cost" in each.metrics(view) for each in result.replications)


def _amount(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"


def _prices_table(scenario: Scenario, lang: str) -> str:
    """Each priced group's prices and where they came from (file, contract, loaded cost)."""
    head = "".join(f"<th>{escape(label(column, lang))}</th>" for column in _PRICE_COLUMNS)
    rows = [f"<table><tr>{head}</tr>"]
    for group in scenario.agents:
        price = group.price
        if price is None:
            continue
        cells = (
            group.name,
            group.site_id,
            _amount(price.per_hour),
            _amount(price.per_handled),
            _amount(price.per_resolved),
            _amount(price.resolved_share),
            price.currency,
            price_source(price, lang),
        )
        rows.append("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in cells) + "</tr>")
    rows.append("</table>")
    return "".join(rows)


def _local_label(moment: float, zone: str) -> str:
    return datetime.fromtimestamp(moment, ZoneInfo(zone)).strftime("%H:%M")


def _series(result: SimulationResult, metric: str, name: str) -> tuple[list[str], Series]:
    views = result.views("total", intervals=True)
    estimates = [result.estimate(view, metric) for view in views]
    labels = [_local_label(view[2] or 0.0, result.scenario.time_zone) for view in views]
    return labels, (
        name,
        [e.mean for e in estimates],
        [e.low for e in estimates],
        [e.high for e in estimates],
    )


@dataclass(frozen=True, slots=True)
class OutageWindow:
    """A site outage (`link_down`) as the report shows it: the intervals it touches, and the
    service level in them against the rest of the period (means weighted by contacts)."""

    site_id: str
    start: float
    end: float
    first: int
    last: int
    service_level_during: float | None
    service_level_outside: float | None


def _weighted_sl(result: SimulationResult, views: list[ViewKey]) -> float | None:
    weight = total = 0.0
    for view in views:
        offered = result.estimate(view, "offered").mean
        level = result.estimate(view, "service_level").mean
        if offered and level is not None:
            weight += offered
            total += offered * level
    return total / weight if weight else None


def outage_windows(result: SimulationResult) -> list[OutageWindow]:
    """The scenario's site outages, with the intervals they overlap (per-interval views)."""
    views = result.views("total", intervals=True)
    step = result.scenario.interval_s
    windows = []
    for event in result.scenario.events:
        if not isinstance(event, LinkDown):
            continue
        end = event.at + event.minutes * 60
        touched = [
            i
            for i, view in enumerate(views)
            if (view[2] or 0.0) < end and (view[2] or 0.0) + step > event.at
        ]
        if not touched:
            continue
        inside = [views[i] for i in touched]
        outside = [view for i, view in enumerate(views) if i not in touched]
        windows.append(
            OutageWindow(
                event.site_id,
                event.at,
                end,
                touched[0],
                touched[-1],
                _weighted_sl(result, inside),
                _weighted_sl(result, outside),
            )
        )
    return windows


def _outage_section(result: SimulationResult, lang: str) -> str:
    windows = outage_windows(result)
    if not windows:
        return ""
    zone = result.scenario.time_zone
    heads = "".join(
        f"<th>{escape(label(key, lang))}</th>"
        for key in ("outage_site", "outage_window", "sl_during", "sl_outside")
    )
    rows = [
        f'<h2>{escape(label("outages", lang))}</h2><table data-testid="outages"><tr>{heads}</tr>'
    ]
    for w in windows:
        rows.append(
            f"<tr><td>{escape(w.site_id)}</td><td>{_local_label(w.start, zone)}–"
            f"{_local_label(w.end, zone)}</td>"
            f"<td>{_format('service_level', w.service_level_during, lang)}</td>"
            f"<td>{_format('service_level', w.service_level_outside, lang)}</td></tr>"
        )
    rows.append("</table>")
    return "".join(rows)


def _charts(results: list[tuple[str, SimulationResult]], lang: str) -> str:
    parts = []
    marked = [
        (w.first, w.last, f"{label('outage', lang)} {w.site_id}")
        for _, result in results
        for w in outage_windows(result)
    ]
    for metric, key, percent in (
        ("service_level", "chart_sl", True),
        ("offered", "chart_volume", False),
        ("average_speed_of_answer", "chart_asa", False),
    ):
        series: list[Series] = []
        x_labels: list[str] = []
        for name, result in results:
            x_labels, line = _series(result, metric, name)
            series.append(line)
            if metric == "offered":
                _, gone = _series(result, "abandoned", f"{name} – {label('abandoned', lang)}")
                series.append(gone)
        parts.append(
            f"<div>{line_chart(label(key, lang), x_labels, series, percent=percent, marked=marked)}"
            "</div>"
        )
    return "".join(parts)


def _comparison(first: SimulationResult, second: SimulationResult, lang: str) -> str:
    comparison = compare(first, second)
    rows = [
        f"<h2>{escape(label('comparison', lang))}</h2>"
        f'<p class="note">{escape(label("compare_note", lang))}</p>'
        f"<table><tr><th>{escape(label('group', lang))}</th><th>{escape(label('metric', lang))}"
        f"</th><th>A</th><th>B</th><th>{escape(label('difference', lang))}</th></tr>"
    ]
    views = [
        ("total", "", None),
        *comparison.views("queue"),
        *comparison.views("partner"),
        *comparison.views("group"),
    ]
    for view in views:
        for metric in _COMPARED:
            diff = comparison.difference(view, metric)
            if diff.mean is None:
                continue
            significant = diff.low is not None and (diff.low > 0 or (diff.high or 0) < 0)
            mark = f' <span class="sig">({escape(label("significant", lang))})</span>'
            rows.append(
                f"<tr><td>{escape(_name(view, lang))}</td><td>{escape(label(metric, lang))}</td>"
                f"{_cell(metric, first.estimate(view, metric), lang)}"
                f"{_cell(metric, second.estimate(view, metric), lang)}"
                f"{_cell(metric, diff, lang)[:-5]}{mark if significant else ''}</td></tr>"
            )
    rows.append("</table>")
    return "".join(rows)


def render_html_report(
    result: SimulationResult, *, lang: str = "en", against: SimulationResult | None = None
) -> str:
    """One HTML page, no external resource; `lang` is "en" or "fr"."""
    scenario = result.scenario
    zone = ZoneInfo(scenario.time_zone)
    start = datetime.fromtimestamp(scenario.start, zone).strftime("%Y-%m-%d %H:%M")
    end = datetime.fromtimestamp(scenario.end, zone).strftime("%Y-%m-%d %H:%M")
    title = escape(label("title", lang))
    names = [("A" if against is not None else scenario.name, result)]
    if against is not None:
        names.append(("B", against))
    body = [
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{_STYLE}</style></head><body><h1>{title}</h1>"
    ]
    for name, each in names:
        body.append(
            f"<p><b>{escape(label('scenario', lang))} {escape(name)}</b> — "
            f"{escape(each.scenario.name)} · {escape(label('replications', lang))}: "
            f"{len(each.replications)} · {escape(label('seed', lang))}: {each.scenario.seed}</p>"
        )
    body.append(
        f"<p>{escape(label('period', lang))}: {start} → {end} ({escape(scenario.time_zone)})</p>"
        f'<p class="note">{escape(label("ci_note", lang))}</p>'
    )
    if against is not None:
        body.append(_comparison(result, against, lang))
    body.append(_charts(names, lang))
    body.append(_outage_section(result, lang))
    total: list[ViewKey] = [("total", "", None)]
    body.append(f"<h2>{escape(label('headline', lang))}</h2>")
    body.append(_table(result, total, _TABLE_METRICS, lang))
    priced = result.views("group")
    if priced:
        body.append(_table(result, total, _SERVICE_AND_COST, lang))
    body.append(_table(result, total, _TOTAL_EXTRAS, lang))
    for dimension, key in (
        ("queue", "by_queue"),
        ("site", "by_site"),
        ("site_kind", "by_site_kind"),
        ("partner", "by_partner"),
        ("priority", "by_priority"),
    ):
        if dimension == "priority" and len(result.views(dimension)) < 2:
            continue  # one class: the same figures as the headline
        body.append(f"<h2>{escape(label(key, lang))}</h2>")
        body.append(_table(result, result.views(dimension), _TABLE_METRICS, lang))
    billed: list[ViewKey] = [("partner", billing.partner, None) for billing in scenario.partners]
    if billed:
        body.append(f"<h2>{escape(label('costs', lang))}</h2>")
        body.append(_table(result, billed, _COST_METRICS, lang))
    if priced:
        body.append(f"<h2>{escape(label('costs_by_group', lang))}</h2>")
        body.append(_table(result, priced, _GROUP_COST_METRICS, lang))
        body.append(f"<h2>{escape(label('costs_by_partner', lang))}</h2>")
        partners = [view for view in result.views("partner") if _has_cost(result, view)]
        body.append(_table(result, partners, _PARTNER_COST_METRICS, lang))
        body.append(f"<h2>{escape(label('prices', lang))}</h2>")
        body.append(_prices_table(scenario, lang))
    body.append(f"<h2>{escape(label('per_interval', lang))}</h2>")
    intervals = result.views("total", intervals=True)
    times = [_local_label(view[2] or 0.0, scenario.time_zone) for view in intervals]
    body.append(_table(result, intervals, _TABLE_METRICS, lang, times))
    body.append("</body></html>")
    return "\n".join(body)
