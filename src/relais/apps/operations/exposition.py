"""The text Prometheus scrapes: this process's counters (or, in multiprocess mode, those of
every process of the host sharing `PROMETHEUS_MULTIPROC_DIR`), and on the web server the
gauges read from the record (docs/operations.md, "Metrics")."""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess

from relais.apps.telemetry.metrics import ERRORS, OFFERS, ROUTING_LATENCY

CONTENT_TYPE = CONTENT_TYPE_LATEST


def metrics_text(*, record: bool) -> bytes:
    """`record`: also the gauges read from the database (the web server's `/metrics`)."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        for collector in (OFFERS, ROUTING_LATENCY, ERRORS):
            registry.register(collector)
    if record:
        from relais.apps.operations.collector import RecordCollector

        registry.register(RecordCollector())
    return generate_latest(registry)
