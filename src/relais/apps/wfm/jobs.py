"""The background job of a schedule solve: solve, save the schedule, record how it went.

The same machinery as the simulator's runs (Django's tasks API, `django-tasks-db`): enqueued
after commit by `services.schedule_solve_request`; run by `relais db_worker`, by the worker
thread of `relais serve`, or at once by the immediate backend (tests).
"""

from __future__ import annotations

import logging

from django.tasks import task
from django.utils import timezone

from relais.apps.wfm import services
from relais.apps.wfm.models import ScheduleSolve, SolvePhase, SolveStatus
from relais.core.wfm.scheduling import SolverSettings
from relais.core.wfm.scheduling.solver import Progress

logger = logging.getLogger(__name__)


@task()
def solve_schedule_job(solve_id: int) -> str:
    return execute_solve(solve_id)


def _reporter(solve_id: int) -> Progress:
    def report(phase: str, share: float) -> None:
        ScheduleSolve.objects.filter(pk=solve_id, status=SolveStatus.RUNNING).update(
            phase=phase, progress=min(1.0, max(0.0, share))
        )

    return report


def execute_solve(solve_id: int) -> str:
    """Run a queued solve to the end; its status says how it ended ("done" or "failed")."""
    started = ScheduleSolve.objects.filter(pk=solve_id, status=SolveStatus.QUEUED).update(
        status=SolveStatus.RUNNING, started_at=timezone.now(), progress=0.0
    )
    if not started:
        return "skipped"
    solve = ScheduleSolve.objects.select_related("requested_by").get(pk=solve_id)
    seconds = float(solve.max_seconds)
    try:
        schedule = services.schedule_create(
            actor=solve.requested_by,
            week_start=solve.week_start,
            sites=list(solve.sites.order_by("name")),
            settings=SolverSettings(max_seconds=seconds, warmstart_seconds=seconds / 3),
            progress=_reporter(solve_id),
        )
    except Exception as error:  # the solve records why it failed; the worker goes on
        logger.exception("schedule solve %s failed", solve_id)
        message = getattr(error, "message", None) or str(error) or type(error).__name__
        ScheduleSolve.objects.filter(pk=solve_id).update(
            status=SolveStatus.FAILED, error=str(message)[:2000], finished_at=timezone.now()
        )
        return SolveStatus.FAILED
    ScheduleSolve.objects.filter(pk=solve_id).update(
        status=SolveStatus.DONE,
        phase=SolvePhase.SAVED,
        progress=1.0,
        schedule=schedule,
        finished_at=timezone.now(),
    )
    return SolveStatus.DONE
