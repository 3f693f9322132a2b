"""Simulation: scenarios (TOML) and their runs as background jobs (docs/simulation.md)."""
