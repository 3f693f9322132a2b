"""The outbox job: delivers what is due, then books its own next run at the next retry's
time. Enqueued after each reply's commit; `relais serve` also sweeps every minute for
messages left waiting past their time (a worker that stopped with the job in hand): the job
is enqueued again. Extra runs are harmless: a message is locked while it is sent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.tasks import default_task_backend, task
from django.utils import timezone

from relais.apps.email.outbox import next_attempt, outbox_deliver_due, outbox_due
from relais.apps.periodic import Periodic

#: A message due this long ago and still waiting had no job to send it.
STRANDED_AFTER = dt.timedelta(minutes=2)
SWEEP_EVERY_S = 60.0


@task()
def outbox_run() -> dict[str, int]:
    ended = outbox_deliver_due()
    retry_at = next_attempt()
    if retry_at is not None:
        outbox_run_enqueue(run_after=retry_at)
    return ended


def outbox_run_enqueue(*, run_after: object = None) -> None:
    if run_after is not None and default_task_backend.supports_defer:
        outbox_run.using(run_after=run_after).enqueue()  # type: ignore[arg-type]
    elif run_after is None:
        outbox_run.enqueue()


def outbox_run_on_commit() -> None:
    transaction.on_commit(outbox_run_enqueue)


def outbox_sweep(*, now: dt.datetime | None = None) -> bool:
    """Enqueue the outbox job when messages wait past their time; whether it was enqueued."""
    now = now or timezone.now()
    if not outbox_due(now - STRANDED_AFTER):
        return False
    outbox_run_enqueue()
    return True


def start_outbox_sweeper(*, every: float = SWEEP_EVERY_S) -> Periodic:
    sweeper = Periodic(name="relais-outbox", every=every, turn=lambda: outbox_sweep() and False)
    sweeper.start()
    return sweeper
