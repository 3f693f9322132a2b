"""The demo's traffic generator (`relais traffic`, docs/demo.md): simulated customers and
bot agents working against the live system through its real paths (HTTP, WebSocket), with
the simulator's arrival, handling-time, patience and break models."""
