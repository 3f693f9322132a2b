"""The delivery job, run by the job worker (`relais serve`'s thread or `relais db_worker`):
one attempt, then the next one enqueued for when the backoff falls due."""

from __future__ import annotations

from django.db import transaction
from django.tasks import default_task_backend, task

from relais.apps.webhooks.models import DeliveryStatus


@task()
def webhook_deliver(delivery_pk: int) -> str:
    from relais.apps.webhooks.delivery import delivery_attempt

    delivery = delivery_attempt(delivery_pk)
    retry = delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at is not None
    # (an immediate backend cannot wait: whoever runs it calls again)
    if retry and default_task_backend.supports_defer:
        webhook_deliver.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    return str(delivery.status)


def deliveries_enqueue_on_commit(pks: list[int]) -> None:
    """Each delivery's first attempt, once the deliveries are committed."""
    if pks:
        transaction.on_commit(lambda: [webhook_deliver.enqueue(pk) for pk in pks])
