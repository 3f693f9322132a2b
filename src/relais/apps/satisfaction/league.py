"""The league table of satisfaction and first-contact resolution, through the viewer's scope.

Everything is computed over the whole organisation (the reference mix of strata and the
client's overall figure are everyone's), then each level keeps the groups the viewer may see:
the whole-organisation roles everything; a partner manager their partner, its sites, teams and
agents (no site kinds: those mix partners); a supervisor their teams and their agents; an agent
themself. Pairs are marked only between groups the viewer sees.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncWeek

from relais.apps.organisation.models import Agent, Partner, Site, SiteKind, Team
from relais.apps.organisation.scoping import Scope, scope_for
from relais.apps.satisfaction.models import FcrJudgement, FcrOutcome, SurveyAnswer
from relais.core.kpi.comparison import Tally, reference_weights
from relais.core.kpi.league import DEFAULT_MIN_N, LeagueRow, Measure, league_rows

LEVELS = ("partner", "site", "site_kind", "team", "agent")
#: measure key -> (kind, whose figure it is)
MEASURES = {
    "agent_csat": Measure.PROPORTION,
    "company_csat": Measure.PROPORTION,
    "nps": Measure.NPS,
    "resolved": Measure.PROPORTION,
    "fcr": Measure.PROPORTION,
}
_GROUP_FIELDS = ("agent_id", "team_id", "site_id", "partner_id", "site_kind")
_STRATUM_FIELDS = ("queue_id", "reason", "wait_band")
_LEVEL_FIELD = {
    "partner": "partner_id",
    "site": "site_id",
    "site_kind": "site_kind",
    "team": "team_id",
    "agent": "agent_id",
}
Stratum = tuple[Any, ...]
Cells = dict[tuple[Any, Stratum], Tally]


def may_see_satisfaction(viewer: Any) -> bool:
    scope = scope_for(viewer)
    return (
        scope.everything
        or scope.partner_id is not None
        or bool(scope.team_ids)
        or scope.agent_id is not None
    )


@dataclass(frozen=True)
class LeagueQuery:
    start: dt.date
    end: dt.date  # inclusive
    level: str = "partner"
    min_n: int = DEFAULT_MIN_N


@dataclass
class LevelTable:
    """One measure at one level: the overall figure and the visible groups' rows."""

    measure: str
    overall: LeagueRow[str]
    rows: list[LeagueRow[Any]]
    labels: dict[Any, str]


@dataclass
class Coverage:
    """Beside every FCR figure: the contacts judged, pending, and the share identified."""

    handled: int = 0
    identified: int = 0
    pending: int = 0

    @property
    def identified_share(self) -> float | None:
        return self.identified / self.handled if self.handled else None


@dataclass
class League:
    query: LeagueQuery
    tables: dict[str, LevelTable]
    coverage: dict[Any, Coverage]
    overall_coverage: Coverage
    reason_mix: dict[str, dict[str, float]] = field(default_factory=dict)
    trend: dict[str, Any] = field(default_factory=dict)


def _bounds(query: LeagueQuery) -> tuple[dt.datetime, dt.datetime]:
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(query.start, dt.time(), zone)
    end = dt.datetime.combine(query.end + dt.timedelta(days=1), dt.time(), zone)
    return start, end


_ANSWER_COUNTS = {
    "agent_n": Count("agent_csat"),
    "agent_ok": Count("pk", filter=Q(agent_csat__gte=4)),
    "company_n": Count("company_csat"),
    "company_ok": Count("pk", filter=Q(company_csat__gte=4)),
    "nps_n": Count("nps"),
    "promoters": Count("pk", filter=Q(nps__gte=9)),
    "detractors": Count("pk", filter=Q(nps__lte=6)),
    "resolved_n": Count("resolved"),
    "resolved_ok": Count("pk", filter=Q(resolved=True)),
}
_FCR_COUNTS = {
    "handled": Count("pk"),
    "identified": Count("pk", filter=~Q(outcome=FcrOutcome.UNIDENTIFIED)),
    "pending": Count("pk", filter=Q(outcome=FcrOutcome.PENDING)),
    "judged": Count("pk", filter=Q(outcome__in=(FcrOutcome.RESOLVED, FcrOutcome.REPEAT))),
    "resolved": Count("pk", filter=Q(outcome=FcrOutcome.RESOLVED)),
}


def answer_rows(start: dt.datetime, end: dt.datetime) -> list[tuple[Any, ...]]:
    """Answers counted per attribution and stratum: the group fields, the stratum fields,
    then the counts of `_ANSWER_COUNTS` (one row per agent and stratum)."""
    keys = ["invitation__" + name for name in (*_GROUP_FIELDS, *_STRATUM_FIELDS)]
    return list(
        SurveyAnswer.objects.filter(answered_at__gte=start, answered_at__lt=end)
        .order_by()
        .values(*keys)
        .annotate(**_ANSWER_COUNTS)
        .values_list(*keys, *_ANSWER_COUNTS)
    )


def fcr_rows(start: dt.datetime, end: dt.datetime) -> list[tuple[Any, ...]]:
    """Judged contacts per attribution and stratum: the group fields, the stratum fields, then
    the counts of `_FCR_COUNTS`."""
    keys = [*_GROUP_FIELDS, *_STRATUM_FIELDS]
    return list(
        FcrJudgement.objects.filter(arrived_at__gte=start, arrived_at__lt=end)
        .order_by()
        .values(*keys)
        .annotate(**_FCR_COUNTS)
        .values_list(*keys, *_FCR_COUNTS)
    )


_LEVEL_INDEX = {level: _GROUP_FIELDS.index(field) for level, field in _LEVEL_FIELD.items()}
_WIDTH = len(_GROUP_FIELDS) + len(_STRATUM_FIELDS)


def _add(
    cell: dict[tuple[Any, Stratum], list[float]],
    key: tuple[Any, Stratum],
    n: int,
    total: float,
    squares: float,
) -> None:
    found = cell.get(key)
    if found is None:
        cell[key] = [n, total, squares]
    else:
        found[0] += n
        found[1] += total
        found[2] += squares


def _cells(
    query: LeagueQuery,
) -> tuple[dict[str, dict[str, Cells]], dict[str, dict[Any, Coverage]]]:
    """cells[level][measure][(group, stratum)] and coverage[level][group]."""
    start, end = _bounds(query)
    sums: dict[str, dict[str, dict[tuple[Any, Stratum], list[float]]]] = {
        level: {m: {} for m in MEASURES} for level in LEVELS
    }
    coverage: dict[str, dict[Any, Coverage]] = {level: defaultdict(Coverage) for level in LEVELS}
    groups = len(_GROUP_FIELDS)
    for row in answer_rows(start, end):
        stratum = row[groups:_WIDTH]
        agent_n, agent_ok, company_n, company_ok, nps_n, promoters, detractors, res_n, res_ok = row[
            _WIDTH:
        ]
        for level, index in _LEVEL_INDEX.items():
            key = (row[index], stratum)
            level_sums = sums[level]
            if agent_n:
                _add(level_sums["agent_csat"], key, agent_n, agent_ok, agent_ok)
            if company_n:
                _add(level_sums["company_csat"], key, company_n, company_ok, company_ok)
            if nps_n:
                _add(level_sums["nps"], key, nps_n, promoters - detractors, promoters + detractors)
            if res_n:
                _add(level_sums["resolved"], key, res_n, res_ok, res_ok)
    for row in fcr_rows(start, end):
        stratum = row[groups:_WIDTH]
        handled, identified, pending, judged, resolved = row[_WIDTH:]
        for level, index in _LEVEL_INDEX.items():
            group = row[index]
            seen = coverage[level][group]
            seen.handled += handled
            seen.identified += identified
            seen.pending += pending
            if judged:
                _add(sums[level]["fcr"], (group, stratum), judged, resolved, resolved)
    cells = {
        level: {
            measure: {key: Tally(int(v[0]), v[1], v[2]) for key, v in found.items()}
            for measure, found in by_measure.items()
        }
        for level, by_measure in sums.items()
    }
    return cells, coverage


def _visible(scope: Scope, level: str) -> set[Any] | None:
    """Groups of `level` the viewer sees; None for all of them."""
    if scope.everything:
        return None
    if scope.partner_id is not None:
        sites = Site.objects.filter(partner_id=scope.partner_id)
        return {
            "partner": {scope.partner_id},
            "site": set(sites.values_list("pk", flat=True)),
            "site_kind": set(),
            "team": set(Team.objects.filter(site__in=sites).values_list("pk", flat=True)),
            "agent": set(Agent.objects.filter(site__in=sites).values_list("pk", flat=True)),
        }[level]
    if scope.team_ids:
        if level == "team":
            return set(scope.team_ids)
        if level == "agent":
            return set(
                Agent.objects.filter(team_id__in=scope.team_ids).values_list("pk", flat=True)
            )
        return set()
    if scope.agent_id is not None and level == "agent":
        return {scope.agent_id}
    return set()


def visible_levels(viewer: Any) -> list[str]:
    scope = scope_for(viewer)
    return [level for level in LEVELS if _visible(scope, level) != set()]


def labels_of(level: str) -> dict[Any, str]:
    if level == "partner":
        return dict(Partner.objects.values_list("pk", "name"))
    if level == "site":
        return dict(Site.objects.values_list("pk", "name"))
    if level == "team":
        return dict(Team.objects.values_list("pk", "name"))
    if level == "agent":
        return {
            a.pk: a.user.get_full_name() or a.user.username
            for a in Agent.objects.select_related("user")
        }
    return {value: str(label) for value, label in SiteKind.choices}


def league(*, viewer: Any, query: LeagueQuery, all_levels: bool = False) -> League:
    """The league at `query.level` (every level with `all_levels`, as the benchmark builds it),
    each measure with the overall figure and the visible groups; pairs after Holm's correction
    among the visible groups."""
    scope = scope_for(viewer)
    cells, coverage = _cells(query)
    levels = LEVELS if all_levels else (query.level,)
    tables: dict[str, LevelTable] = {}
    overall: dict[str, tuple[LeagueRow[str], dict[Stratum, float]]] = {}
    for measure, kind in MEASURES.items():  # every level adds up to everyone
        everyone: Cells = defaultdict(Tally)
        for (_group, stratum), tally in cells["partner"][measure].items():
            everyone[("", stratum)] += tally
        rows = league_rows(everyone, measure=kind, min_n=query.min_n)
        weights = reference_weights({stratum: t for (_g, stratum), t in everyone.items()})
        overall[measure] = (rows[0] if rows else LeagueRow("", 0, None), weights)
    for level in levels:
        visible = _visible(scope, level)
        labels = labels_of(level)
        for measure, kind in MEASURES.items():
            everyone_row, weights = overall[measure]
            shown = {
                key: tally
                for key, tally in cells[level][measure].items()
                if key[0] is not None and (visible is None or key[0] in visible)
            }
            tables[f"{level}:{measure}"] = LevelTable(
                measure=measure,
                overall=everyone_row,
                rows=league_rows(shown, measure=kind, min_n=query.min_n, weights=weights),
                labels=labels,
            )
    level_coverage = coverage[query.level]
    visible = _visible(scope, query.level)
    overall_coverage = Coverage()
    for group_coverage in level_coverage.values():
        overall_coverage.handled += group_coverage.handled
        overall_coverage.identified += group_coverage.identified
        overall_coverage.pending += group_coverage.pending
    return League(
        query=query,
        tables=tables,
        coverage={g: c for g, c in level_coverage.items() if visible is None or g in visible},
        overall_coverage=overall_coverage,
        reason_mix=reason_mix(scope=scope, query=query),
        trend=weekly_trend(scope=scope, query=query),
    )


def reason_mix(*, scope: Scope, query: LeagueQuery) -> dict[str, dict[str, float]]:
    """Share of each contact reason per partner (typed by the partner judged: watch drift),
    and for everyone ("")."""
    start, end = _bounds(query)
    visible = _visible(scope, "partner")
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = (
        FcrJudgement.objects.filter(arrived_at__gte=start, arrived_at__lt=end)
        .order_by()
        .values_list("partner_id", "reason")
        .annotate(n=Count("pk"))
    )
    names = labels_of("partner")
    for partner_id, reason, n in rows:
        counts[""][reason] += n
        if partner_id is not None and (visible is None or partner_id in visible):
            counts[names.get(partner_id, "?")][reason] += n
    return {
        who: {reason: n / sum(by_reason.values()) for reason, n in sorted(by_reason.items())}
        for who, by_reason in counts.items()
    }


def weekly_trend(*, scope: Scope, query: LeagueQuery) -> dict[str, Any]:
    """CSAT with the agent per week for the visible groups of the level (and everyone)."""
    start, end = _bounds(query)
    level_field = "invitation__" + _LEVEL_FIELD[query.level]
    visible = _visible(scope, query.level)
    rows = (
        SurveyAnswer.objects.filter(answered_at__gte=start, answered_at__lt=end)
        .exclude(agent_csat=None)
        .annotate(week=TruncWeek("answered_at"))
        .order_by()
        .values_list("week", level_field)
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(agent_csat__gte=4)))
    )
    weeks: set[dt.date] = set()
    series: dict[Any, dict[dt.date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for week, group, n, ok in rows:
        day = week.date() if isinstance(week, dt.datetime) else week
        weeks.add(day)
        for key in ("", group):
            if key == "" or (group is not None and (visible is None or group in visible)):
                series[key][day][0] += n
                series[key][day][1] += ok
    return {"weeks": sorted(weeks), "series": series}
