"""A background-job worker inside the web process, for the embedded default (`relais serve`).

It is django-tasks-db's `db_worker` loop in a daemon thread (signals stay with the main
thread); with several web processes or in production run `relais db_worker` instead.
"""

from __future__ import annotations

import threading

from django.utils.crypto import get_random_string


def start_worker_thread(*, interval: float = 1.0) -> threading.Thread:
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["default"],
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"serve-{get_random_string(16)}",
        excluded_queue_names=[],
    )
    thread = threading.Thread(target=worker.run, name="relais-jobs", daemon=True)
    thread.start()
    return thread
