"""French and English formatting of what people read: numbers, percentages, durations, dates
and French typography (docs/i18n.md). Below every app: it knows nothing of the domain."""
