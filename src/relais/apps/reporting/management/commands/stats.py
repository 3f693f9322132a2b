"""`relais stats`: bring the 15-minute interval statistics up to date from the event log.

`relais serve` already keeps them current (`reporting.keeper`); this command is for
backfills and for servers run with `--no-stats`.

relais stats                       recompute what the events since the last update touched
relais stats --since 2025-03-01    recompute every interval from that day until now
relais stats --follow [--every 60] keep them up to date
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from relais.apps.reporting.stats import intervals_recompute, stats_update


class Command(BaseCommand):
    help = "Bring the interval statistics up to date from the event log (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--follow", action="store_true")
        parser.add_argument("--every", type=float, default=60.0)

    def handle(
        self, *args: Any, since: dt.date | None, follow: bool, every: float, **kw: Any
    ) -> None:
        if since is not None:
            start = dt.datetime.combine(since, dt.time(), timezone.get_current_timezone())
            rows = intervals_recompute(start, timezone.now())
            self.stdout.write(f"recomputed since {since}: {rows} rows")
        while True:
            updated = stats_update()  # waits while a server updates them
            if updated is not None:
                intervals, rows = updated
                self.stdout.write(f"{intervals} intervals recomputed, {rows} rows")
            if not follow:
                return
            time.sleep(every)
