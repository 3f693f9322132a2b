"""`relais fcr [--window-days 7]`: judge first-contact resolution over every handled contact
again (the satisfaction league reads the judgements; run it nightly, docs/satisfaction.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from relais.apps.satisfaction.services import fcr_recompute


class Command(BaseCommand):
    help = "Judge first-contact resolution over every handled contact again (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--window-days", type=int, default=7)

    def handle(self, *args: Any, window_days: int, **options: Any) -> None:
        counts = fcr_recompute(window_days=window_days)
        self.stdout.write(", ".join(f"{name} {count}" for name, count in counts.items()))
