"""The outbox job: delivers what is due, then books its own next run at the next retry's
time. Enqueued after each reply's commit."""

from __future__ import annotations

from django.db import transaction
from django.tasks import default_task_backend, task

from relais.apps.email.outbox import next_attempt, outbox_deliver_due


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
