"""The metrics each process counts itself (docs/operations.md, "Metrics").

Counters and histograms of prometheus-client, in the default registry. With
`PROMETHEUS_MULTIPROC_DIR` set (before the process starts) they are kept in files of that
directory, one per process, and the web server's `/metrics` adds up every process of the host
that shares it (uvicorn workers, the router, the job worker); without it each process serves its
own (the health listener of `relais router`, `relais voice`, `relais db_worker`).
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

OFFERS = Counter("relais_offers", "Offers the router made to agents, by queue.", ["queue"])

#: From a contact's arrival in the event log to the commit of the router's first decision
#: about it (queued or offered): how far behind the router is, not how long customers wait.
ROUTING_LATENCY = Histogram(
    "relais_routing_latency_seconds",
    "From a contact's creation in the event log to the router's committed decision.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)

ERRORS = Counter(
    "relais_errors", "Events logged at ERROR or above, by logger.", ["process", "logger"]
)
