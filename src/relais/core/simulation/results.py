"""KPIs of a run through `relais.core.kpi`, per interval, queue, site, site kind, partner.

Every contact of a replication becomes a `ContactRecord` counted in a `KpiAccumulator` per
(interval, queue, answering site); agent time goes in as state seconds per (interval,
site). Views are merges of those buckets (`KpiSummary` adds up), so every figure follows
the KPI module's definitions (SL, ASA, AHT, abandonment with short abandons excluded,
occupancy). Contacts that arrived during the warm-up are left out.

Outcome conventions: a contact answered and later dropped (link down) or answered, then
requeued and abandoned, counts as answered and ended at that moment; a contact refused by
a closed queue is not offered; a contact still waiting when the run stops is "waiting".
"""

from __future__ import annotations

from dataclasses import dataclass

from relais.core.kpi import ContactRecord, KpiAccumulator, KpiSummary
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

DIMENSIONS = ("total", "queue", "site", "site_kind", "partner")
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
    interval, origin = scenario.interval_s, scenario.start
    warm_up_end = scenario.start + scenario.warm_up_s
    sites = scenario.sites
    site_of_agent = outcome.staff.agent_sites
    agent_ids = [profile.agent_id for profile in outcome.staff.profiles]
    queue_ids = [spec.queue_id for spec in scenario.queues]
    channels = [str(spec.config.channel) for spec in scenario.queues]
    site_fields = [
        (site.site_id, site.kind.value, site.partner if site.partner is not None else INTERNAL)
        for site in sites
    ]
    buckets: dict[tuple[float, int, int], KpiAccumulator] = {}
    config = scenario.kpi
    times = outcome.arrivals.times
    answered, started, completed = outcome.answered, outcome.started, outcome.completed
    ended, abandoned, dropped = outcome.ended, outcome.abandoned, outcome.dropped
    for contact, arrived in enumerate(times):
        if arrived < warm_up_end or outcome.refused[contact]:
            continue
        queue = outcome.queue_of[contact]
        agent = outcome.agent_of[contact]
        site = site_of_agent[agent] if agent >= 0 else -1
        answer = answered[contact]
        record: ContactRecord
        if answer >= 0:
            finish = ended[contact]
            if finish < 0:
                finish = max(dropped[contact], abandoned[contact])
            done = completed[contact]
            talk_end = done if done >= 0 else finish
            fields = site_fields[site]
            record = ContactRecord(
                contact_id=str(contact),
                queue=queue_ids[queue],
                channel=channels[queue],
                arrived_at=arrived,
                answered_at=answer,
                ended_at=finish if finish >= 0 else None,
                talk_seconds=max(0.0, talk_end - started[contact]) if talk_end >= 0 else 0.0,
                wrap_up_seconds=max(0.0, finish - done) if done >= 0 and finish >= 0 else 0.0,
                agent_id=agent_ids[agent],
                site=fields[0],
                site_kind=fields[1],
                partner=fields[2],
            )
        else:
            gone = abandoned[contact]
            record = ContactRecord(
                contact_id=str(contact),
                queue=queue_ids[queue],
                channel=channels[queue],
                arrived_at=arrived,
                abandoned_at=gone if gone >= 0 else None,
            )
        slot = origin + ((arrived - origin) // interval) * interval
        key = (slot, queue, site)
        bucket = buckets.get(key)
        if bucket is None:
            bucket = buckets[key] = KpiAccumulator(config)
        bucket.add_contact(record)
    for (slot, site), seconds in (outcome.state_seconds or {}).items():
        if slot + interval <= warm_up_end:
            continue
        key = (slot, -1, site)
        bucket = buckets.get(key)
        if bucket is None:
            bucket = buckets[key] = KpiAccumulator(config)
        for code, state in _STATES:
            bucket.add_state_seconds(state, seconds[code])
    summaries: dict[ViewKey, KpiSummary] = {}

    def add(view: ViewKey, summary: KpiSummary) -> None:
        previous = summaries.get(view)
        summaries[view] = summary if previous is None else previous + summary

    for (slot, queue, site), bucket in buckets.items():
        summary = bucket.summary(outcome.end_time)
        for when in (None, slot):
            add(("total", "", when), summary)
            if queue >= 0:
                add(("queue", queue_ids[queue], when), summary)
            if site >= 0:
                site_id, kind, partner = site_fields[site]
                add(("site", site_id, when), summary)
                add(("site_kind", kind, when), summary)
                add(("partner", partner, when), summary)
    return ReplicationResult(outcome.replication, summaries, _extras(outcome, summaries))


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
    return extras
