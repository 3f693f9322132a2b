"""Partner contracts as code: terms, their evaluation over a month, and statement lines.

Pure Python (no Django): `relais.apps.contracts` reads the month from the event log and
stores the lines; tests and benchmarks call the same evaluation. See docs/contracts.md.
"""
