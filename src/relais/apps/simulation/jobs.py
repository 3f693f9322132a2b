"""The background job of a run: simulate, then store the summary and the reports.

Enqueued after commit by `services`; run by `relais db_worker`, by the worker thread of
`relais serve`, or at once by the immediate backend (tests).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from relais.apps.simulation.models import RunStatus, SimulationRun
from relais.apps.simulation.prices import parse_priced
from relais.apps.simulation.resplit_run import execute_resplit
from relais.apps.simulation.summary import comparison_summary, result_summary
from relais.core.simulation import compare, render_html_report, simulate

logger = logging.getLogger(__name__)
_EVERY_S = 0.5  # at most two progress writes a second


@task()
def simulate_run(run_id: int) -> str:
    return execute_run(run_id)


def _reporter(run_id: int, offset: float, scale: float) -> Callable[[float, str], None]:
    last = [time.monotonic()]

    def report(share: float, note: str) -> None:
        now = time.monotonic()
        if now - last[0] < _EVERY_S:
            return
        last[0] = now
        value = min(1.0, max(0.0, offset + scale * share))
        SimulationRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(progress=value)

    return report


def execute_run(run_id: int) -> str:
    """Run a queued run to the end; its status says how it ended ("done" or "failed")."""
    started = SimulationRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), progress=0.0
    )
    if not started:
        return "skipped"
    run = SimulationRun.objects.select_related("scenario", "against").get(pk=run_id)
    try:
        first = parse_priced(run.scenario_toml, source=run.scenario.name)
        scale = 0.5 if run.against is not None else 1.0
        result = simulate(
            first, replications=run.replications, progress=_reporter(run_id, 0.0, scale)
        )
        other = None
        if run.against is not None:
            second = parse_priced(run.against_toml, source=run.against.name)
            other = simulate(
                second, replications=run.replications, progress=_reporter(run_id, 0.5, 0.5)
            )
            summary = comparison_summary(compare(result, other))
        else:
            summary = result_summary(result)
        reports = {
            lang: render_html_report(result, lang=lang, against=other) for lang in ("en", "fr")
        }
    except Exception as error:  # the run records why it failed; the worker goes on
        logger.exception("simulation run %s failed", run_id)
        message = getattr(error, "message", None) or str(error) or type(error).__name__
        SimulationRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, error=str(message)[:2000], finished_at=timezone.now()
        )
        return RunStatus.FAILED
    with transaction.atomic():
        SimulationRun.objects.filter(pk=run_id).update(
            status=RunStatus.DONE,
            progress=1.0,
            summary=summary,
            report_en=reports["en"],
            report_fr=reports["fr"],
            finished_at=timezone.now(),
        )
    return RunStatus.DONE


@task()
def propose_resplit(proposal_id: int) -> str:
    return execute_resplit(proposal_id)
