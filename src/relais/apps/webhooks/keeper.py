"""The webhook feed inside the running server (`relais serve`, with the job worker): a
daemon thread runs `webhooks_feed` every `EVERY_S` seconds; the job worker sends the
deliveries. With several web processes the feed's row lock lets one read at a time."""

from __future__ import annotations

from relais.apps.periodic import Periodic
from relais.apps.webhooks.feed import webhooks_feed

EVERY_S = 1.0


def start_webhook_feeder(*, every: float = EVERY_S) -> Periodic:
    feeder = Periodic(name="relais-webhooks", every=every, turn=webhooks_feed)
    feeder.start()
    return feeder
