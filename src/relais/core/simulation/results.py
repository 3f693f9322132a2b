"""KPIs of a run through `relais.core.kpi`, per interval, queue, site, site kind, partner and
customer priority class.

Every contact of a replication becomes a `ContactRecord` counted in a `KpiAccumulator` per
(interval, queue, answering site, priority class); agent time goes in as state seconds per
(interval, site). Views are merges of those buckets (`KpiSummary` adds up), so every figure follows
the KPI module's definitions (SL, ASA, AHT, abandonment with short abandons excluded,
occupancy). Contacts that arrived during the warm-up are left out.

Outcome conventions: a contact answered and later dropped (link down) or answered, then
requeued and abandoned, counts as answered and ended at that moment; a contact refused by
a closed queue is not offered; a contact still waiting when the run stops is "waiting".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from relais.core.kpi import KpiAccumulator, KpiSummary
from relais.core.kpi.columns import ContactColumns, summaries_by_group
from relais.core.kpi.records import AgentState
from relais.core.simulation.runner import RunOutcome
from relais.core.simulation.tracking import AVAILABLE, HANDLING, UNAVAILABLE

__all__ = [
    "DIMENSIONS",
    "INTERNAL",
    "KPI_METRICS",
    "ReplicationResult",
    "ViewKey",
    "summarize_replication",
]

type ViewKey = tuple[str, str, float | None]
"""(dimension, value, interval start or None for the whole run); dimension "total" has ""."""

DIMENSIONS = ("total", "queue", "site", "site_kind", "partner", "group", "priority")
INTERNAL = "internal"  # the partner value of the company's own sites
KPI_METRICS = (
    "offered",
    "answered",
    "abandoned",
    "handled",
    "service_level",
    "average_speed_of_answer",
    "average_handling_time",
    "abandonment_rate",
    "occupancy",
    "in_shift_shrinkage",
)
_STATES = (
    (HANDLING, AgentState.BUSY),
    (AVAILABLE, AgentState.AVAILABLE),
    (UNAVAILABLE, AgentState.BREAK),
)


@dataclass(frozen=True, slots=True)
class ReplicationResult:
    replication: int
    summaries: dict[ViewKey, KpiSummary]
    extras: dict[ViewKey, dict[str, float]]  # costs, drops, refusals... beside the KPIs

    def metrics(self, view: ViewKey) -> dict[str, float | None]:
        summary = self.summaries.get(view)
        values: dict[str, float | None] = {}
        if summary is not None:
            figures = summary.kpis()
            values = {name: _number(figures[name]) for name in KPI_METRICS}
        values.update(self.extras.get(view, {}))
        return values


def _number(value: float | int | None) -> float | None:
    return None if value is None else float(value)


def summarize_replication(outcome: RunOutcome) -> ReplicationResult:
    scenario = outcome.scenario
    interval = scenario.interval_s
    warm_up_end = scenario.start + scenario.warm_up_s
    sites = scenario.sites
    queue_ids = [spec.queue_id for spec in scenario.queues]
    site_fields = [
        (site.site_id, site.kind.value, site.partner if site.partner is not None else INTERNAL)
        for site in sites
    ]
    config = scenario.kpi
    buckets: dict[tuple[float, int, int, int | None], KpiSummary] = dict(
        zip(*_contact_buckets(outcome, warm_up_end), strict=True)
    )
    accumulators: dict[tuple[float, int, int, int | None], KpiAccumulator] = {}
    for (slot, site), seconds in (outcome.state_seconds or {}).items():
        if slot + interval <= warm_up_end:
            continue
        key: tuple[float, int, int, int | None] = (slot, -1, site, None)
        bucket = accumulators.get(key)
        if bucket is None:
            bucket = accumulators[key] = KpiAccumulator(config)
        for code, state in _STATES:
            bucket.add_state_seconds(state, seconds[code])
    for state_key, bucket in accumulators.items():
        buckets[state_key] = bucket.summary(outcome.end_time)
    summaries: dict[ViewKey, KpiSummary] = {}

    def add(view: ViewKey, summary: KpiSummary) -> None:
        previous = summaries.get(view)
        summaries[view] = summary if previous is None else previous + summary

    for (slot, queue, site, priority), summary in buckets.items():
        for when in (None, slot):
            add(("total", "", when), summary)
            if queue >= 0:
                add(("queue", queue_ids[queue], when), summary)
            if priority is not None:
                add(("priority", str(priority), when), summary)
            if site >= 0:
                site_id, kind, partner = site_fields[site]
                add(("site", site_id, when), summary)
                add(("site_kind", kind, when), summary)
                add(("partner", partner, when), summary)
    return ReplicationResult(outcome.replication, summaries, _extras(outcome, summaries))


def _contact_buckets(
    outcome: RunOutcome, warm_up_end: float
) -> tuple[list[tuple[float, int, int, int | None]], list[KpiSummary]]:
    """Per (interval, queue, answering site, priority class), in order of first contact, the
    KPIs of the contacts that arrived after the warm-up and were not refused.

    The same as one `ContactRecord` per contact added to one `KpiAccumulator` per bucket
    (`relais.core.kpi.columns` says why the figures are identical), in columns.
    """
    scenario = outcome.scenario
    interval, origin = scenario.interval_s, scenario.start
    times = outcome.arrivals.times
    slots = [(arrived - origin) // interval for arrived in times]  # Python's own floor
    arrived = np.asarray(times, dtype=np.float64)
    keep = (arrived >= warm_up_end) & ~np.asarray(outcome.refused, dtype=bool)
    chosen = np.flatnonzero(keep)
    queue = np.asarray(outcome.queue_of, dtype=np.intp)[chosen]
    agent = np.asarray(outcome.agent_of, dtype=np.intp)[chosen]
    site_of_agent = np.asarray([*outcome.staff.agent_sites, -1], dtype=np.intp)
    site = site_of_agent[agent]  # agent -1 (never answered) reads the -1 at the end
    slot = np.asarray(slots, dtype=np.float64)[chosen]
    classes, klass = np.unique(
        np.asarray(outcome.arrivals.priorities, dtype=np.int64)[chosen], return_inverse=True
    )
    code = (slot * len(scenario.queues) + queue) * (len(scenario.sites) + 1) + site + 1
    code = code * max(1, len(classes)) + klass.reshape(-1)
    _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    groups = rank[inverse.reshape(-1)]

    def column(values: list[float]) -> npt.NDArray[np.float64]:
        return np.asarray(values, dtype=np.float64)[chosen]

    answered, started = column(outcome.answered), column(outcome.started)
    completed, ended = column(outcome.completed), column(outcome.ended)
    abandoned, dropped = column(outcome.abandoned), column(outcome.dropped)
    was_answered = answered >= 0
    finish = np.where(ended >= 0, ended, np.maximum(dropped, abandoned))
    talk_end = np.where(completed >= 0, completed, finish)
    talk = np.where(talk_end >= 0, np.maximum(0.0, talk_end - started), 0.0)
    wrap_up = np.where((completed >= 0) & (finish >= 0), np.maximum(0.0, finish - completed), 0.0)
    config = scenario.kpi
    thresholds = np.asarray(
        [config.service_level_threshold(spec.queue_id) for spec in scenario.queues]
    )
    columns = ContactColumns(
        arrived_at=arrived[chosen],
        answered_at=np.where(was_answered, answered, np.nan),
        abandoned_at=np.where(~was_answered & (abandoned >= 0), abandoned, np.nan),
        ended_at=np.where(was_answered & (finish >= 0), finish, np.nan),
        talk_seconds=np.where(was_answered, talk, 0.0),
        wrap_up_seconds=np.where(was_answered, wrap_up, 0.0),
        threshold=thresholds[queue],
    )
    summaries = summaries_by_group(
        groups,
        len(order),
        columns,
        short_abandon_seconds=config.short_abandon_seconds,
        now=outcome.end_time,
    )
    keys = []
    for index in chosen[first[order]].tolist():
        owner = outcome.agent_of[index]
        keys.append(
            (
                origin + slots[index] * interval,
                outcome.queue_of[index],
                outcome.staff.agent_sites[owner] if owner >= 0 else -1,
                outcome.arrivals.priorities[index],
            )
        )
    return keys, summaries


def _extras(
    outcome: RunOutcome, summaries: dict[ViewKey, KpiSummary]
) -> dict[ViewKey, dict[str, float]]:
    scenario = outcome.scenario
    total: dict[str, float] = {
        "dropped": float(sum(1 for at in outcome.dropped if at >= 0)),
        "refused": float(sum(outcome.refused)),
        "requeued": float(outcome.requeued),
        "callbacks_offered": float(outcome.callbacks),
        "contacts": float(len(outcome.arrivals)),
    }
    extras: dict[ViewKey, dict[str, float]] = {("total", "", None): total}
    for billing in scenario.partners:
        seconds = sum(
            outcome.logged_seconds[index]
            for index, site in enumerate(scenario.sites)
            if site.partner == billing.partner
        )
        summary = summaries.get(("partner", billing.partner, None))
        handled = summary.handled if summary is not None else 0
        figures = {"billable_hours": seconds / 3600, "handled_contacts": float(handled)}
        if billing.hourly_rate is not None:
            figures["cost_hourly"] = seconds / 3600 * billing.hourly_rate
        if billing.per_contact_rate is not None:
            figures["cost_per_contact"] = handled * billing.per_contact_rate
        if handled and "cost_hourly" in figures:
            figures["cost_hourly_per_handled"] = figures["cost_hourly"] / handled
        extras[("partner", billing.partner, None)] = figures
    _group_costs(outcome, extras)
    return extras


def handled_by_agent(outcome: RunOutcome) -> npt.NDArray[np.float64]:
    """Contacts each agent handled (answered and finished), among those that arrived after
    the warm-up and were not refused: the KPI module's `handled`, per agent."""
    scenario = outcome.scenario
    arrived = np.asarray(outcome.arrivals.times, dtype=np.float64)
    answered = np.asarray(outcome.answered, dtype=np.float64)
    ended = np.asarray(outcome.ended, dtype=np.float64)
    finish = np.where(
        ended >= 0,
        ended,
        np.maximum(
            np.asarray(outcome.dropped, dtype=np.float64),
            np.asarray(outcome.abandoned, dtype=np.float64),
        ),
    )
    agent = np.asarray(outcome.agent_of, dtype=np.intp)
    keep = (
        (arrived >= scenario.start + scenario.warm_up_s)
        & ~np.asarray(outcome.refused, dtype=bool)
        & (answered >= 0)
        & (finish >= 0)
        & (agent >= 0)
    )
    agents = len(outcome.staff.profiles)
    return np.bincount(agent[keep], minlength=agents).astype(np.float64)[:agents]


def _group_costs(outcome: RunOutcome, extras: dict[ViewKey, dict[str, float]]) -> None:
    """Per priced agent group ("group", name): logged-in hours, handled contacts, cost and cost
    per handled contact; per partner (the company's own sites: `internal`) and on the total,
    the priced groups' cost and its cost per contact."""
    scenario = outcome.scenario
    groups = scenario.agents
    if not any(group.price is not None for group in groups):
        return
    partner_of = {site.site_id: site.partner or INTERNAL for site in scenario.sites}
    handled = handled_by_agent(outcome)
    seconds = outcome.agent_logged_seconds
    first = 0
    sums: dict[ViewKey, list[float]] = {}  # view: [cost, handled contacts]
    for group in groups:
        members = range(first, first + group.count)
        first += group.count
        if group.price is None:
            continue
        hours = sum(seconds[agent] for agent in members) / 3600 if seconds else 0.0
        count = float(sum(handled[agent] for agent in members))
        amount = group.price.cost(hours, count)
        figures = {"hours": hours, "handled_contacts": count, "cost": amount}
        if count:
            figures["cost_per_handled"] = amount / count
        extras[("group", group.name, None)] = figures
        views: tuple[ViewKey, ...] = (
            ("total", "", None),
            ("partner", partner_of.get(group.site_id, ""), None),
        )
        for view in views:
            both = sums.setdefault(view, [0.0, 0.0])
            both[0] += amount
            both[1] += count
    for view, (cost, priced_handled) in sums.items():
        costs = extras.setdefault(view, {})
        costs["cost"] = cost
        if priced_handled:
            costs["cost_per_handled"] = cost / priced_handled
