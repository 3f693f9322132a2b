"""Folding the live board into the figures one scope may see (its alerts: `live.alerts`).

Scope (docs/supervision.md): the whole organisation sees everything; a partner manager the
contacts answered by their partner's agents and those agents; a supervisor the same for
their teams. A queue's line (contacts waiting now, the oldest wait) is everyone's, as in
the routing app's queue status: no partner or team has answered those contacts yet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from relais.apps.organisation.scoping import Scope
from relais.apps.supervision.live.alerts import alerts
from relais.apps.supervision.live.board import INTERVAL_SECONDS, LiveBoard
from relais.apps.supervision.live.frames import (
    DIMENSIONS,
    AgentRow,
    DayChart,
    FigureRow,
    LiveFigures,
)
from relais.apps.supervision.live.thresholds import Targets, levels, most_demanding
from relais.core.kpi import (
    OUT_OF_SERVICE,
    AgentState,
    BucketKey,
    Dimension,
    KpiSummary,
    from_epoch,
    summarize_groups,
)

SITE_KINDS = ("inshore", "offshore", "homeshore")
INTERNAL = "internal"


def scope_key(scope: Scope) -> str:
    if scope.everything:
        return "all"
    if scope.partner_id is not None:
        return f"partner-{scope.partner_id}"
    if scope.team_ids:
        return "teams-" + "-".join(str(pk) for pk in sorted(scope.team_ids))
    return "nothing"


def visible_agents(board: LiveBoard, scope: Scope) -> set[str] | None:
    """Agent ids in the scope; None: every agent (and contacts nobody answered)."""
    if scope.everything:
        return None
    if scope.partner_id is not None:
        partner = str(scope.partner_id)
        return {a for a, place in board.places.items() if place.partner == partner}
    teams = {str(pk) for pk in scope.team_ids}
    return {a for a, place in board.places.items() if place.team in teams}


def _value(board: LiveBoard, dimension: str, queue: str | None, agent: str | None) -> str | None:
    if dimension == "queue":
        return queue
    if dimension == "total":
        return "all"
    if agent is None:
        return None
    if dimension == "agent":
        return agent
    place = board.places.get(agent)
    if place is None:
        return None
    value = getattr(place, dimension)
    return INTERNAL if dimension == "partner" and value is None else value


def _queue_line(summary: KpiSummary) -> KpiSummary:
    oldest = summary.oldest_waiting_seconds
    return KpiSummary(waiting=summary.waiting, oldest_waiting_seconds=oldest)


def fold(
    board: LiveBoard,
    summaries: dict[BucketKey, KpiSummary],
    dimension: str,
    visible: set[str] | None,
) -> dict[str, KpiSummary]:
    """Buckets of (queue, agent) or (agent,) merged per value of `dimension`."""
    folded: dict[str, KpiSummary] = defaultdict(KpiSummary)
    for key, summary in summaries.items():
        queue, agent = key.group if len(key.group) == 2 else (None, key.group[0])
        value = _value(board, dimension, queue, agent)
        if value is None:
            continue
        if visible is not None and agent not in visible:
            if agent is None and dimension in ("queue", "total") and summary.waiting:
                folded[value] = folded[value] + _queue_line(summary)
            continue
        folded[value] = folded[value] + summary
    return folded


def _label(board: LiveBoard, dimension: str, value: str) -> tuple[str, str | None]:
    if dimension == "queue":
        info = board.queues.get(value)
        return (info.name_en, info.name_fr) if info else (value, None)
    if dimension in ("site_kind", "total") or value == INTERNAL:
        return value, None
    return board.names.get(dimension, {}).get(value, value), None


def _row(
    board: LiveBoard,
    dimension: str,
    value: str,
    today: KpiSummary,
    recent: KpiSummary | None,
    states: dict[str, int],
) -> FigureRow:
    label, label_fr = _label(board, dimension, value)
    info = board.queues.get(value) if dimension == "queue" else None
    targets = (
        Targets(info.target, info.target_seconds)
        if info is not None
        else most_demanding(Targets(q.target, q.target_seconds) for q in board.queues.values())
    )
    recent_level = None if recent is None else recent.service_level
    return FigureRow(
        key=value,
        label=label,
        label_fr=label_fr,
        waiting=today.waiting,
        oldest_waiting_seconds=today.oldest_waiting_seconds,
        longest_wait_seconds=today.longest_wait_seconds,
        offered=today.offered,
        answered=today.answered,
        abandoned=today.abandoned,
        handled=today.handled,
        service_level=today.service_level,
        service_level_30m=recent_level,
        service_level_target=targets.service_level,
        service_level_seconds=targets.seconds,
        average_speed_of_answer=today.average_speed_of_answer,
        average_handling_time=today.average_handling_time,
        abandonment_rate=today.abandonment_rate,
        occupancy=today.occupancy,
        agents_by_state=states,
        levels=levels(
            targets=targets,
            service_level=today.service_level,
            service_level_30m=recent_level,
            waiting=today.waiting,
            oldest_waiting_seconds=today.oldest_waiting_seconds,
            abandonment_rate=today.abandonment_rate,
        ),
    )


def _states(
    board: LiveBoard, dimension: str, visible: set[str] | None
) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for agent, current in board.tracker.current.items():
        if visible is not None and agent not in visible:
            continue
        value = _value(board, dimension, None, agent)
        if value is not None and current.state not in OUT_OF_SERVICE:
            counts[value][current.state.value] += 1
    return counts


def snapshot(board: LiveBoard, scope: Scope, now: float) -> LiveFigures:
    visible = visible_agents(board, scope)
    today = board.today.summaries(now)
    recent = summarize_groups(
        board.recent_records(now),
        group_by=(Dimension.QUEUE, Dimension.AGENT),
        config=board.config,
        now=now,
    )
    spans = board.spans.summaries(now)
    rows: dict[str, list[FigureRow]] = {}
    for dimension in (*DIMENSIONS, "total"):
        contacts = fold(board, today, dimension, visible)
        last = fold(board, recent, dimension, visible)
        if dimension != "queue":
            for value, summary in fold(board, spans, dimension, visible).items():
                contacts[value] = contacts[value] + summary
        states = _states(board, dimension, visible)
        values = sorted(set(contacts) | set(states))
        rows[dimension] = [
            _row(board, dimension, v, contacts.get(v, KpiSummary()), last.get(v), dict(states[v]))
            for v in values
        ]
    totals = rows.pop("total")
    return LiveFigures(
        at=from_epoch(now),
        scope=scope_key(scope),
        totals=totals[0] if totals else FigureRow(key="all", label="all"),
        rows=rows,
        agents=_agent_rows(board, rows.get("agent", []), visible, now),
        alerts=alerts(board, rows.get("queue", []), visible, now),
        chart=_chart(board, visible, now),
    )


def _agent_rows(
    board: LiveBoard, figures: Iterable[FigureRow], visible: set[str] | None, now: float
) -> list[AgentRow]:
    by_agent = {row.key: row for row in figures}
    result = []
    for agent, current in sorted(board.tracker.current.items(), key=lambda kv: int(kv[0])):
        if (visible is not None and agent not in visible) or (
            current.state == AgentState.OFFLINE and agent not in by_agent
        ):
            continue
        place = board.places.get(agent)
        row = by_agent.get(agent)
        names = board.names
        result.append(
            AgentRow(
                key=agent,
                label=names.get("agent", {}).get(agent, agent),
                team=names.get("team", {}).get(place.team or "", "") if place else "",
                site=names.get("site", {}).get(place.site, "") if place else "",
                site_kind=place.site_kind if place else "",
                partner=(names.get("partner", {}).get(place.partner or "", INTERNAL))
                if place and place.partner
                else INTERNAL,
                state=current.state.value,
                reason=current.reason,
                seconds_in_state=max(0.0, now - current.since),
                occupancy=None if row is None else row.occupancy,
                handled=0 if row is None else row.handled,
                average_handling_time=None if row is None else row.average_handling_time,
            )
        )
    return result


def _chart(board: LiveBoard, visible: set[str] | None, now: float) -> DayChart:
    summaries = board.intervals.summaries(now)
    starts = []
    start = board.day_start
    while start <= now and start < board.day_end:
        starts.append(start)
        start += INTERVAL_SECONDS
    index = {s: i for i, s in enumerate(starts)}
    merged: dict[tuple[str, int], KpiSummary] = defaultdict(KpiSummary)
    unanswered = [0] * len(starts)
    for key, summary in summaries.items():
        kind, agent = key.group
        position = index.get(key.interval_start or -1.0)
        if position is None:
            continue
        if agent is None:
            if visible is None:
                unanswered[position] += summary.abandoned + summary.waiting
            continue
        if visible is not None and agent not in visible:
            continue
        merged[(kind or "", position)] = merged[(kind or "", position)] + summary
    kinds = sorted({kind for kind, _ in merged} | set(SITE_KINDS))
    return DayChart(
        intervals=[from_epoch(s) for s in starts],
        answered={k: [merged[(k, i)].answered for i in range(len(starts))] for k in kinds},
        service_level={
            k: [merged[(k, i)].service_level for i in range(len(starts))] for k in kinds
        },
        unanswered=unanswered,
    )
