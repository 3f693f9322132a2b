"""A schedule solve requested from the pages or the API: checked at once, audited, then queued
as a background job (`jobs.solve_schedule_job`, run by a worker) after commit; a solve whose
worker died is marked failed (`stale_solves_fail`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from relais.apps.accounts.models import User
from relais.apps.audit.services import audit_record
from relais.apps.errors import RelaisError
from relais.apps.organisation.models import Site
from relais.apps.wfm import services
from relais.apps.wfm.errors import ErrorCode
from relais.apps.wfm.jobs import solve_schedule_job
from relais.apps.wfm.models import ScheduleSolve, SolveStatus

MAX_SOLVE_SECONDS = 120

#: Beyond its time limit a solve still builds its model and saves its schedule; a solve
#: "running" for longer than its limit plus this lost its worker (a restart, a crash).
STALE_GRACE = timedelta(minutes=10)


def schedule_solve_request(
    *, actor: User, week_start: date, sites: Sequence[Site], max_seconds: int = 10
) -> ScheduleSolve:
    """Check what a solve needs now (a refusal saves nothing), then queue it as a job."""
    if not 1 <= max_seconds <= MAX_SOLVE_SECONDS:
        raise RelaisError(ErrorCode.SCHEDULING_FAILED, details="a time limit of 1 to 120 s")
    services.schedule_inputs(actor, week_start, sites)
    with transaction.atomic():
        solve = ScheduleSolve.objects.create(
            week_start=week_start, max_seconds=max_seconds, requested_by=actor
        )
        solve.sites.set(sites)
        audit_record(
            actor=actor,
            action="wfm.schedule_solve.request",
            obj=solve,
            changes={
                "week_start": week_start,
                "sites": [site.name for site in sites],
                "max_seconds": max_seconds,
            },
        )
        transaction.on_commit(lambda: _enqueue(solve.pk))
    return solve


def _enqueue(solve_id: int) -> None:
    result = solve_schedule_job.enqueue(solve_id)
    ScheduleSolve.objects.filter(pk=solve_id).update(task_id=str(result.id)[:64])


def stale_solves_fail(*, now: datetime | None = None) -> int:
    """Mark failed each solve still "running" past its time limit and `STALE_GRACE`: its
    worker stopped before the end, so nobody will finish it (the solver never runs longer
    than its limit). The planner sees why and asks again. Returns how many were failed.

    Called when a worker starts and whenever a solve is read (page, progress, API)."""
    now = now or timezone.now()
    running = ScheduleSolve.objects.filter(status=SolveStatus.RUNNING, started_at__isnull=False)
    stale = [
        solve
        for solve in running.select_related("requested_by")
        if solve.started_at is not None
        and now - solve.started_at > timedelta(seconds=solve.max_seconds) + STALE_GRACE
    ]
    failed = 0
    for solve in stale:
        language = getattr(solve.requested_by, "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            error = gettext(
                "The worker running this solve stopped before it finished (a restart or a "
                "crash): build the schedule again."
            )
        failed += ScheduleSolve.objects.filter(pk=solve.pk, status=SolveStatus.RUNNING).update(
            status=SolveStatus.FAILED, error=error, finished_at=now
        )
    return failed
