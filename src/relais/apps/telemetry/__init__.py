"""What every process says about itself: Prometheus metrics and structured logs (docs/operations.md).

A shared helper below every app (the router counts its offers here, the logging handler counts
errors in every process); what is read from the record at scrape time lives in
`apps.operations.collector`."""
