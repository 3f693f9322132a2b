"""The roll-out job, run by the job worker (`relais serve`'s thread or `relais db_worker`):
at each wave's time, deliver what fell due."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.tasks import default_task_backend, task

from relais.apps.briefings.delivery import briefings_deliver_due


@task()
def waves_deliver() -> int:
    return briefings_deliver_due()


def waves_enqueue_on_commit(times: list[dt.datetime]) -> None:
    """One run at each wave's time, once the briefing is committed (a backend that cannot
    defer: whoever reads the deliveries calls `briefings_deliver_due`)."""
    if not default_task_backend.supports_defer:
        return

    def enqueue() -> None:
        for when in times:
            waves_deliver.using(run_after=when).enqueue()

    transaction.on_commit(enqueue)
