"""What the simulator predicts for the queues' service level during a blocking briefing's
roll-out, before it is published.

The live configuration becomes a scenario (`simulation.live`, a constant rate of contacts
per queue, every agent logged in), run twice on the same random streams: as it is, and with
the briefing (`[[events]] kind = "briefing"`: the agents held back from its queues from
their wave until they have read it). A few short replications: the answer comes within the
request on a company of the demo's size.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass

from relais.apps.briefings.services import RolloutPlan
from relais.apps.routing.models import Queue
from relais.apps.simulation.live import LiveOptions, live_scenario_toml
from relais.core.briefings import RolloutMode
from relais.core.simulation import parse_scenario, simulate

REPLICATIONS = 3


@dataclass(frozen=True, slots=True)
class PredictedInterval:
    queue: str
    start: dt.datetime
    without: float | None  # service level (0..1) without the briefing
    during: float | None  # with its roll-out


def _briefing_event(
    queues: Sequence[Queue], starts_at: dt.datetime, plan: RolloutPlan, reading_minutes: float
) -> str:
    lines = [
        "",
        "[[events]]",
        'kind = "briefing"',
        f"queues = {json.dumps([queue.code for queue in queues])}",
        f"at = {json.dumps(starts_at.isoformat(timespec='seconds'))}",
        f"reading_minutes = {float(reading_minutes)!r}",
    ]
    if plan.mode is RolloutMode.WAVES:
        if plan.wave_agents is not None:
            lines.append(f"wave_agents = {plan.wave_agents}")
        else:
            lines.append(f"wave_percent = {float(plan.wave_percent or 100)!r}")
        lines.append(f"wave_every_minutes = {plan.wave_every_minutes}")
    return "\n".join(lines) + "\n"


def rollout_prediction(
    *,
    queues: Sequence[Queue],
    starts_at: dt.datetime,
    plan: RolloutPlan,
    reading_minutes: float = 3.0,
    contacts_per_hour: float = 60.0,
    hours: float = 2.0,
) -> list[PredictedInterval]:
    """Per queue and half hour from the start: the service level without and with it."""
    options = LiveOptions(
        name="briefing",
        start=starts_at,
        hours=hours,
        calls_per_hour=contacts_per_hour,
        replications=REPLICATIONS,
        time_zone="UTC",
    )
    text = live_scenario_toml(options)
    base = parse_scenario(tomllib.loads(text), source="live")
    briefed = parse_scenario(
        tomllib.loads(text + _briefing_event(queues, starts_at, plan, reading_minutes)),
        source="live",
    )
    without, during = simulate(base), simulate(briefed)
    codes = {queue.code for queue in queues}
    found: list[PredictedInterval] = []
    for view in without.views("queue", intervals=True):
        if view[1] not in codes or view[2] is None:
            continue
        found.append(
            PredictedInterval(
                queue=view[1],
                start=dt.datetime.fromtimestamp(view[2], dt.UTC),
                without=without.estimate(view, "service_level").mean,
                during=during.estimate(view, "service_level").mean,
            )
        )
    return sorted(found, key=lambda row: (row.queue, row.start))
