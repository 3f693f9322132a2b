"""``relais freeze_staffing_requests``: freeze the days a horizon (M-1, W-1, D-1) has reached.

Idempotent. `relais serve` freezes every 10 minutes, and publications and the requests' pages
freeze too; run this from cron when the server runs with `--no-jobs`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from relais.apps.wfm.staffing_requests import staffing_requests_freeze


class Command(BaseCommand):
    help = "Freeze the staffing requests' days that a horizon (M-1, W-1, D-1) has reached."

    def handle(self, *args: Any, **options: Any) -> None:
        versions = staffing_requests_freeze()
        for version in versions:
            self.stdout.write(f"{version.request}: v{version.number} {version.kind}")
        self.stdout.write(f"{len(versions)} frozen version(s)")
