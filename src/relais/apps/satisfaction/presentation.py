"""The league page's tables and charts (data for static/relais/charts.js), in the active
language: proportions as percentages, NPS in points, intervals as error bars."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from relais.apps.l10n import formatting
from relais.apps.satisfaction.league import League, LevelTable
from relais.core.kpi.league import LeagueRow

MEASURE_TITLES = {
    "agent_csat": gettext_lazy("Satisfaction with the agent (CSAT, top-2-box)"),
    "company_csat": gettext_lazy("Satisfaction with the answer and the company (CSAT)"),
    "nps": gettext_lazy("Net promoter score (NPS)"),
    "resolved": gettext_lazy("Resolved, say the customers"),
    "fcr": gettext_lazy("First-contact resolution (measured on repeats)"),
}
LEVEL_TITLES = {
    "partner": gettext_lazy("Partners"),
    "site": gettext_lazy("Sites"),
    "site_kind": gettext_lazy("Site kinds"),
    "team": gettext_lazy("Teams"),
    "agent": gettext_lazy("Agents"),
}


def _figure(value: float | None, measure: str) -> str:
    language = get_language()
    if value is None:
        return "—"
    if measure == "nps":
        return formatting.decimal(value, 0, language=language)
    return formatting.percent(value, 1, language=language)


def _chart_number(value: float | None, measure: str) -> float | None:
    if value is None:
        return None
    return round(value if measure == "nps" else 100 * value, 1)


def row_cells(row: LeagueRow[Any], table: LevelTable, label: str) -> dict[str, Any]:
    measure = table.measure
    names = table.labels
    return {
        "label": label,
        "n": row.n,
        "enough": row.enough,
        "value": _figure(row.value, measure),
        "interval": (
            f"{_figure(row.low, measure)} – {_figure(row.high, measure)}" if row.enough else ""
        ),
        "standardised": _figure(row.standardised, measure) if row.enough else "",
        "higher_than": ", ".join(names.get(g, str(g)) for g in row.higher_than),
        "lower_than": ", ".join(names.get(g, str(g)) for g in row.lower_than),
        "versus_rest": row.versus_rest,
    }


def table_view(table: LevelTable) -> dict[str, Any]:
    overall = row_cells(table.overall, table, str(_("Everyone (the client's overall figure)")))
    rows = [row_cells(r, table, table.labels.get(r.group, str(r.group))) for r in table.rows]
    return {
        "measure": table.measure,
        "title": MEASURE_TITLES[table.measure],
        "overall": overall,
        "rows": rows,
        "chart": error_bar_chart(table),
    }


def error_bar_chart(table: LevelTable) -> dict[str, Any]:
    """Each group with enough answers: its figure as a bar and its 95 % interval as an error bar."""
    measure = table.measure
    shown = [r for r in table.rows if r.enough]
    unit = "decimal" if measure == "nps" else "percent"
    return {
        "categories": [table.labels.get(r.group, str(r.group)) for r in shown],
        "axes": [{"unit": unit}],
        "series": [
            {
                "name": str(_("Figure")),
                "type": "bar",
                "values": [_chart_number(r.value, measure) for r in shown],
            },
            {
                "name": _("%(level)s %% interval") % {"level": 95},
                "type": "interval",
                "values": [
                    [_chart_number(r.low, measure), _chart_number(r.high, measure)] for r in shown
                ],
            },
        ],
    }


def trend_chart(league: League) -> dict[str, Any]:
    """CSAT with the agent by week: everyone, and each visible group (the first eight)."""
    trend = league.trend
    weeks = trend["weeks"]
    labels = league.tables[f"{league.query.level}:agent_csat"].labels
    series = []
    for key in sorted(trend["series"], key=lambda k: (k != "", str(labels.get(k, k))))[:9]:
        by_week = trend["series"][key]
        values = [
            round(100 * by_week[w][1] / by_week[w][0], 1) if by_week.get(w, [0])[0] else None
            for w in weeks
        ]
        name = str(_("Everyone")) if key == "" else labels.get(key, str(key))
        series.append({"name": name, "type": "line", "values": values})
    language = get_language()
    return {
        "categories": [formatting.day(w, language=language) for w in weeks],
        "axes": [{"unit": "percent"}],
        "series": series,
    }


def reason_mix_view(league: League) -> dict[str, Any]:
    mix = league.reason_mix
    reasons = sorted({reason for shares in mix.values() for reason in shares})
    language = get_language()
    rows = [
        {
            "who": str(_("Everyone")) if who == "" else who,
            "shares": [
                formatting.percent(shares.get(r, 0.0), 1, language=language) for r in reasons
            ],
        }
        for who, shares in sorted(mix.items(), key=lambda item: (item[0] != "", item[0]))
    ]
    return {"reasons": [r or "—" for r in reasons], "rows": rows}
