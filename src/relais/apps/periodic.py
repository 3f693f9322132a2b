"""A turn of work repeated inside the running server (`relais serve`): a daemon thread runs
`turn` every `every` seconds until `stop()`, logs a failure and tries again at the next turn
(turns must be idempotent), and gives its database connection back between turns."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import connection


class Periodic(threading.Thread):
    def __init__(self, *, name: str, every: float, turn: Callable[[], object]) -> None:
        super().__init__(name=name, daemon=True)
        self.every = every
        self.turn = turn
        self._stopping = threading.Event()
        self._logger = logging.getLogger(name.replace("-", "."))

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                while self.turn() and not self._stopping.is_set():
                    pass  # the turn had more than one batch: on at once
            except Exception:
                self._logger.exception("%s failed; trying again in %.0f s", self.name, self.every)
            finally:
                connection.close()
            self._stopping.wait(self.every)

    def stop(self, timeout: float = 30.0) -> None:
        self._stopping.set()
        self.join(timeout)
