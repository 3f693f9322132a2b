"""relais schedule --week 2025-03-03 --site Lille [--site Rabat] [--seconds 30]"""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from relais.apps.wfm import services
from relais.apps.wfm.management.commands._common import day, refusals, site_named
from relais.apps.wfm.progress import ProgressBar
from relais.core.wfm.scheduling import SolverSettings


class Command(BaseCommand):
    help = (
        "Schedule a week for one or more sites from their newest staffing plans and their "
        "active agents (OR-Tools CP-SAT); prints the objective, the LP bound and the gap."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--week", type=day, required=True, help="first day, e.g. 2025-03-03")
        parser.add_argument("--site", action="append", required=True, help="site (repeatable)")
        parser.add_argument("--seconds", type=float, default=30.0, help="solver time limit")
        parser.add_argument("--workers", type=int, default=2, choices=[1, 2])

    def handle(self, *args: Any, **options: Any) -> None:
        sites = [site_named(name) for name in options["site"]]
        seconds = max(1.0, options["seconds"])
        settings = SolverSettings(
            max_seconds=seconds,
            num_workers=options["workers"],
            warmstart_seconds=min(15.0, seconds / 3),
        )
        with refusals(), ProgressBar("schedule", seconds):
            schedule = services.schedule_create(
                actor=None, week_start=options["week"], sites=sites, settings=settings
            )
        shifts = schedule.shifts.select_related("agent__user", "site")
        self.stdout.write(
            f"schedule {schedule.pk}: week of {schedule.week_start}, "
            f"{', '.join(s.name for s in sites)}: {shifts.count()} shifts, status "
            f"{schedule.status}, objective {schedule.objective:g}, bound {schedule.bound:.1f}, "
            f"gap {schedule.gap_pct:.1f} %, {schedule.seconds:.1f} s"
        )
        for shift in shifts:
            zone = zoneinfo.ZoneInfo(shift.site.time_zone)
            start, end = shift.start.astimezone(zone), shift.end.astimezone(zone)
            self.stdout.write(
                f"  {shift.site.name:<12} {shift.agent!s:<24} {start:%a %d %H:%M}–{end:%H:%M} "
                f"({shift.site.time_zone})"
            )
