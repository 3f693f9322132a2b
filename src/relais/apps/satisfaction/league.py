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
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db import connection
from django.db.models import Count, DateField, Q
from django.db.models.functions import TruncWeek

from relais.apps.organisation.models import Agent, Partner, Site, SiteKind, Team
from relais.apps.organisation.scoping import Scope, scope_for
from relais.apps.satisfaction.models import FcrOutcome, SurveyAnswer
from relais.apps.satisfaction.queries import (
    answers_and_weeks,
    judgements_counted,
    plain_rows,
    reading,
    snapshot_exported,
)
from relais.core.kpi.league import DEFAULT_MIN_N, CellColumns, LeagueRow, Measure, league_table

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
    return plain_rows(
        SurveyAnswer.objects.filter(answered_at__gte=start, answered_at__lt=end)
        .order_by()
        .values(*keys)
        .annotate(**_ANSWER_COUNTS)
        .values_list(*keys, *_ANSWER_COUNTS)
    )


def fcr_rows(start: dt.datetime, end: dt.datetime) -> list[tuple[Any, ...]]:
    """Judged contacts per attribution and stratum: the group fields, the stratum fields, then
    the counts of `_FCR_COUNTS` (counted per cell, the whole months from `FcrTally`, then the
    cells' fields joined)."""
    return judgements_counted(start, end, (*_GROUP_FIELDS, *_STRATUM_FIELDS), _FCR_COUNTS)


_LEVEL_INDEX = {level: _GROUP_FIELDS.index(field) for level, field in _LEVEL_FIELD.items()}
_WIDTH = len(_GROUP_FIELDS) + len(_STRATUM_FIELDS)


@dataclass
class _Coder:
    """Codes of the values met (groups of one level, or strata), in the order met."""

    codes: dict[Any, int] = field(default_factory=dict)

    def column(self, values: Sequence[Any]) -> npt.NDArray[np.intp]:
        codes = self.codes
        for value in dict.fromkeys(values):  # the distinct values, in the order met
            codes.setdefault(value, len(codes))
        return np.fromiter(map(codes.__getitem__, values), dtype=np.intp, count=len(values))

    @property
    def values(self) -> list[Any]:
        return list(self.codes)


@dataclass
class _Columns:
    """Rows of counts as columns: each level's group codes, the stratum codes, the counts."""

    groups: dict[str, npt.NDArray[np.intp]]
    stratum: npt.NDArray[np.intp]
    counts: npt.NDArray[np.float64]

    @classmethod
    def of(
        cls, rows: list[tuple[Any, ...]], counted: int, coders: dict[str, _Coder], strata: _Coder
    ) -> _Columns:
        columns = list(zip(*rows, strict=True)) or [()] * (_WIDTH + counted)
        groups = {
            level: coders[level].column(columns[index]) for level, index in _LEVEL_INDEX.items()
        }
        stratum = strata.column(list(zip(*columns[len(_GROUP_FIELDS) : _WIDTH], strict=True)))
        counts = np.array(columns[_WIDTH:], dtype=np.float64).reshape(counted, len(rows))
        return cls(groups, stratum, counts.T)


def _fcr_rows_in_snapshot(
    snapshot: str | None, start: dt.datetime, end: dt.datetime
) -> list[tuple[Any, ...]]:
    """`fcr_rows` on this thread's own connection, in the league's snapshot (the two longest
    reads side by side: the league at full size 1.8-2.0 s -> 1.5 s, bench.quality_report)."""
    try:
        with reading(snapshot):
            return fcr_rows(start, end)
    finally:
        connection.close()


def _cells(
    answered: list[tuple[Any, ...]], fcr_found: list[tuple[Any, ...]]
) -> tuple[dict[str, dict[str, CellColumns[Any]]], _Counts]:
    """cells[level][measure] over every group (`answered`: the rows of `answer_rows`;
    `fcr_found`: those of `fcr_rows`), and the FCR counts behind the coverage."""
    coders = {level: _Coder() for level in LEVELS}
    strata = _Coder()
    answers = _Columns.of(answered, len(_ANSWER_COUNTS), coders, strata)
    fcr = _Columns.of(fcr_found, len(_FCR_COUNTS), coders, strata)
    agent_n, agent_ok, company_n, company_ok, nps_n, promoters, detractors, res_n, res_ok = (
        answers.counts.T
    )
    handled, identified, pending, judged, resolved = fcr.counts.T
    sources = {
        "agent_csat": (answers, agent_n, agent_ok, agent_ok),
        "company_csat": (answers, company_n, company_ok, company_ok),
        "nps": (answers, nps_n, promoters - detractors, promoters + detractors),
        "resolved": (answers, res_n, res_ok, res_ok),
        "fcr": (fcr, judged, resolved, resolved),
    }
    cells: dict[str, dict[str, CellColumns[Any]]] = {level: {} for level in LEVELS}
    for measure, (columns, n, total, squares) in sources.items():
        keep = n > 0
        kept = (columns.stratum[keep], n[keep], total[keep], squares[keep])
        for level in LEVELS:
            cells[level][measure] = CellColumns(
                coders[level].values, columns.groups[level][keep], *kept, len(strata.codes)
            )
    return cells, _Counts(fcr, coders, handled, identified, pending)


@dataclass
class _Counts:
    """The FCR counts per row, to add up per group of a level (the coverage)."""

    columns: _Columns
    coders: dict[str, _Coder]
    handled: npt.NDArray[np.float64]
    identified: npt.NDArray[np.float64]
    pending: npt.NDArray[np.float64]

    def coverage(self, level: str) -> dict[Any, Coverage]:
        groups = self.coders[level].values
        codes = self.columns.groups[level]
        sums = [
            np.bincount(codes, v, len(groups))
            for v in (self.handled, self.identified, self.pending)
        ]
        present = set(np.unique(codes).tolist())
        return {
            groups[code]: Coverage(int(sums[0][code]), int(sums[1][code]), int(sums[2][code]))
            for code in sorted(present)
        }


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


def _seen_by(visible: set[Any] | None) -> Callable[[Any], bool]:
    def seen(group: Any) -> bool:
        return group is not None and (visible is None or group in visible)

    return seen


def league(*, viewer: Any, query: LeagueQuery, all_levels: bool = False) -> League:
    """The league at `query.level` (every level with `all_levels`, as the benchmark builds it),
    each measure with the overall figure and the visible groups; pairs after Holm's correction
    among the visible groups."""
    scope = scope_for(viewer)
    start, end = _bounds(query)
    parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
    with reading(), ThreadPoolExecutor(1, thread_name_prefix="relais-league") as beside:
        judged = None
        if parallel:  # the judgements counted by a second backend, on the same snapshot
            judged = beside.submit(_fcr_rows_in_snapshot, snapshot_exported(), start, end)
        # PostgreSQL reads the answers and the weekly trend in one scan
        both = answers_and_weeks(
            start, end, (*_GROUP_FIELDS, *_STRATUM_FIELDS), _LEVEL_FIELD[query.level]
        )
        answered, weeks = both if both is not None else (answer_rows(start, end), None)
        fcr_found = judged.result() if judged is not None else fcr_rows(start, end)
        cells, counts = _cells(answered, fcr_found)
        trend = weekly_trend(scope=scope, query=query, rows=weeks)
    levels = LEVELS if all_levels else (query.level,)
    tables: dict[str, LevelTable] = {}
    overall: dict[str, tuple[LeagueRow[str], npt.NDArray[np.float64]]] = {}
    for measure, kind in MEASURES.items():  # every level adds up to everyone
        found = cells["partner"][measure]
        everyone = replace(found, groups=[""], group=np.zeros_like(found.group))
        rows = league_table(everyone, measure=kind, min_n=query.min_n)
        overall[measure] = (rows[0] if rows else LeagueRow("", 0, None), everyone.mix())
    for level in levels:
        visible = _visible(scope, level)
        labels = labels_of(level)
        for measure, kind in MEASURES.items():
            everyone_row, weights = overall[measure]
            shown = cells[level][measure].only(_seen_by(visible))
            tables[f"{level}:{measure}"] = LevelTable(
                measure=measure,
                overall=everyone_row,
                rows=league_table(shown, measure=kind, min_n=query.min_n, weights=weights),
                labels=labels,
            )
    level_coverage = counts.coverage(query.level)
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
        reason_mix=reason_mix(fcr_found, scope=scope),
        trend=trend,
    )


_PARTNER = _GROUP_FIELDS.index("partner_id")
_REASON = len(_GROUP_FIELDS) + _STRATUM_FIELDS.index("reason")
_HANDLED = _WIDTH + list(_FCR_COUNTS).index("handled")


def reason_mix(fcr_found: list[tuple[Any, ...]], *, scope: Scope) -> dict[str, dict[str, float]]:
    """Share of each contact reason per partner (typed by the partner judged: watch drift),
    and for everyone (""), from the judged contacts' rows (`fcr_rows`)."""
    visible = _visible(scope, "partner")
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names = labels_of("partner")
    for row in fcr_found:
        partner_id, reason, n = row[_PARTNER], row[_REASON], row[_HANDLED]
        counts[""][reason] += n
        if partner_id is not None and (visible is None or partner_id in visible):
            counts[names.get(partner_id, "?")][reason] += n
    return {
        who: {reason: n / sum(by_reason.values()) for reason, n in sorted(by_reason.items())}
        for who, by_reason in counts.items()
    }


def trend_rows(query: LeagueQuery) -> Iterable[tuple[Any, ...]]:
    """The answers with a CSAT for the agent per week and group of the level: week, group,
    n, those of 4 or 5."""
    start, end = _bounds(query)
    return (
        SurveyAnswer.objects.filter(answered_at__gte=start, answered_at__lt=end)
        .exclude(agent_csat=None)
        .annotate(week=TruncWeek("answered_at", output_field=DateField()))
        .order_by()
        .values_list("week", "invitation__" + _LEVEL_FIELD[query.level])
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(agent_csat__gte=4)))
    )


def weekly_trend(
    *, scope: Scope, query: LeagueQuery, rows: Iterable[tuple[Any, ...]] | None = None
) -> dict[str, Any]:
    """CSAT with the agent per week for the visible groups of the level (and everyone), from
    `rows` (those of `trend_rows`, read when not given)."""
    visible = _visible(scope, query.level)
    rows = trend_rows(query) if rows is None else rows
    weeks: set[dt.date] = set()
    series: dict[Any, dict[dt.date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for week, group, n, ok in rows:
        day = week.date() if isinstance(week, dt.datetime) else week  # SQLite gives datetimes
        weeks.add(day)
        for key in ("", group):
            if key == "" or (group is not None and (visible is None or group in visible)):
                series[key][day][0] += n
                series[key][day][1] += ok
    return {"weeks": sorted(weeks), "series": series}
