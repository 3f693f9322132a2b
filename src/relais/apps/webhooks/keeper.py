"""The webhook feed inside the running server (`relais serve`, with the job worker): a
daemon thread runs `webhooks_feed` every `EVERY_S` seconds; the job worker sends the
deliveries. With several web processes the feed's row lock lets one read at a time."""

from __future__ import annotations

import logging
import threading

from django.db import connection

from relais.apps.webhooks.feed import webhooks_feed

logger = logging.getLogger("relais.webhooks")
EVERY_S = 1.0


class WebhookFeeder(threading.Thread):
    def __init__(self, *, every: float = EVERY_S) -> None:
        super().__init__(name="relais-webhooks", daemon=True)
        self.every = every
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                while webhooks_feed() and not self._stopping.is_set():
                    pass  # a full batch: read on at once
            except Exception:
                logger.exception("webhooks: feed failed; trying again in %.0f s", self.every)
            finally:
                connection.close()
            self._stopping.wait(self.every)

    def stop(self, timeout: float = 30.0) -> None:
        self._stopping.set()
        self.join(timeout)


def start_webhook_feeder(*, every: float = EVERY_S) -> WebhookFeeder:
    feeder = WebhookFeeder(every=every)
    feeder.start()
    return feeder
