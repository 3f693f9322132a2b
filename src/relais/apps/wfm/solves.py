"""A schedule solve requested from the pages: checked at once, audited, then queued as a
background job (`jobs.solve_schedule_job`, run by a worker) after commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction

from relais.apps.accounts.models import User
from relais.apps.audit.services import audit_record
from relais.apps.errors import RelaisError
from relais.apps.organisation.models import Site
from relais.apps.wfm import services
from relais.apps.wfm.errors import ErrorCode
from relais.apps.wfm.jobs import solve_schedule_job
from relais.apps.wfm.models import ScheduleSolve

MAX_SOLVE_SECONDS = 120


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
