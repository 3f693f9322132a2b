"""The body of a re-split proposal's job: the scenario and every candidate, simulated.

See `resplit` for what a candidate is; `jobs.propose_resplit` runs `execute_resplit`.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone

from relais.apps.simulation.models import ResplitProposal, RunStatus
from relais.apps.simulation.prices import parse_priced
from relais.apps.simulation.whatif import ShareMove, WhatIf, apply_what_if, parts_of
from relais.core.simulation import SimulationResult, simulate

logger = logging.getLogger(__name__)

#: The shares moved to each partner, in percent of the queue's contacts.
SHARES = (5.0, 10.0)
_TOTALS = ("service_level", "abandonment_rate", "cost")


def totals(result: SimulationResult) -> dict[str, float | None]:
    """The scenario-wide service level, abandonment rate and cost (means over replications;
    cost None when no group is priced)."""
    views = result.views("total")
    if not views:
        return dict.fromkeys(_TOTALS)
    return {metric: result.estimate(views[0], metric).mean for metric in _TOTALS}


def _points(candidate: float | None, base: float | None) -> float | None:
    return None if candidate is None or base is None else round((candidate - base) * 100, 2)


def _change(candidate: float | None, base: float | None) -> float | None:
    return None if candidate is None or base is None else round(candidate - base, 2)


def _progress(proposal_id: int, share: float) -> None:
    ResplitProposal.objects.filter(pk=proposal_id, status=RunStatus.RUNNING).update(
        progress=min(1.0, max(0.0, share))
    )


def execute_resplit(proposal_id: int) -> str:
    """Simulate the scenario and every candidate; the proposal's status says how it ended."""
    started = ResplitProposal.objects.filter(pk=proposal_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), progress=0.0
    )
    if not started:
        return "skipped"
    proposal = ResplitProposal.objects.get(pk=proposal_id)
    toml, queue = proposal.scenario_toml, proposal.queue
    try:
        moves = [
            ShareMove(queue=queue, partner=partner, percent=percent)
            for partner in parts_of(toml).partners
            for percent in SHARES
        ]
        base = totals(simulate(parse_priced(toml), replications=proposal.replications))
        candidates: list[dict[str, Any]] = []
        for done, move in enumerate(moves, start=1):
            _progress(proposal_id, done / (len(moves) + 1))
            shifted = parse_priced(apply_what_if(toml, WhatIf(move=move)))
            figures = totals(simulate(shifted, replications=proposal.replications))
            candidates.append(
                {
                    "partner": move.partner,
                    "percent": move.percent,
                    **figures,
                    "sl_points": _points(figures["service_level"], base["service_level"]),
                    "abandonment_points": _points(
                        figures["abandonment_rate"], base["abandonment_rate"]
                    ),
                    "cost_change": _change(figures["cost"], base["cost"]),
                }
            )
        candidates.sort(key=lambda c: -(c["sl_points"] if c["sl_points"] is not None else -1e9))
    except Exception as error:  # the proposal records why it failed; the worker goes on
        logger.exception("re-split proposal %s failed", proposal_id)
        message = getattr(error, "message", None) or str(error) or type(error).__name__
        ResplitProposal.objects.filter(pk=proposal_id).update(
            status=RunStatus.FAILED, error=str(message)[:2000], finished_at=timezone.now()
        )
        return RunStatus.FAILED
    ResplitProposal.objects.filter(pk=proposal_id).update(
        status=RunStatus.DONE,
        progress=1.0,
        baseline=base,
        candidates=candidates,
        finished_at=timezone.now(),
    )
    return RunStatus.DONE
