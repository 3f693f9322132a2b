"""What every process says about itself: Prometheus counters and structured logs.

A shared helper below every app (docs/operations.md): the router counts its offers here, the
logging handler counts errors in every process. What is read from the record at scrape time
lives in `apps.operations.collector`."""
