"""A background-job worker inside the web process, for the embedded default (`relais serve`).

It is django-tasks-db's `db_worker` loop in a daemon thread (signals stay with the main
thread); with several web processes or in production run `relais db_worker` instead.
"""

from __future__ import annotations

import threading

from django.utils.crypto import get_random_string


class JobWorkerThread(threading.Thread):
    """Runs queued jobs until `stop()`; checks for new ones every `interval` seconds."""

    def __init__(self, *, interval: float = 1.0) -> None:
        from django_tasks_db.management.commands.db_worker import Worker

        super().__init__(name="relais-jobs", daemon=True)
        self.worker = Worker(
            queue_names=["default"],
            interval=interval,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=f"serve-{get_random_string(16)}",
            excluded_queue_names=[],
        )

    def run(self) -> None:
        self.worker.run()

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the job in hand, then stop."""
        self.worker.running = False
        self.join(timeout)


def start_worker_thread(*, interval: float = 1.0) -> JobWorkerThread:
    thread = JobWorkerThread(interval=interval)
    thread.start()
    return thread
