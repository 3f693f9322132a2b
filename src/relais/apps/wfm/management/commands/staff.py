"""relais staff --forecast ID [--service-level 0.8 --threshold 20 --shrinkage 0.3 ...]"""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from relais.apps.wfm import services
from relais.apps.wfm.management.commands._common import refusals
from relais.apps.wfm.models import ForecastRun, StaffingModel


class Command(BaseCommand):
    help = "Agents needed per interval for a forecast run (Erlang C, or Erlang A with patience)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--forecast", type=int, required=True, help="forecast run id")
        parser.add_argument("--model", choices=StaffingModel.values, default="erlang_c")
        parser.add_argument("--service-level", type=float, default=0.8, help="e.g. 0.8")
        parser.add_argument("--threshold", type=float, default=20.0, help="seconds, e.g. 20")
        parser.add_argument("--max-occupancy", type=float, help="e.g. 0.85")
        parser.add_argument("--max-asa", type=float, help="seconds")
        parser.add_argument("--max-abandonment", type=float, help="Erlang A, default 0.05")
        parser.add_argument("--patience", type=float, help="mean patience in s (Erlang A)")
        parser.add_argument("--shrinkage", type=float, default=0.3)
        parser.add_argument("--aht", type=float, default=300.0, help="AHT when none forecast")

    def handle(self, *args: Any, **options: Any) -> None:
        forecast = ForecastRun.objects.select_related("site").filter(pk=options["forecast"]).first()
        if forecast is None:
            raise CommandError(f"no forecast run {options['forecast']}")
        with refusals():
            plan = services.staffing_plan_create(
                actor=None,
                forecast=forecast,
                model=options["model"],
                service_level=options["service_level"],
                threshold_s=options["threshold"],
                max_occupancy=options["max_occupancy"],
                max_asa_s=options["max_asa"],
                max_abandonment=options["max_abandonment"],
                patience_s=options["patience"],
                shrinkage=options["shrinkage"],
                default_aht_s=options["aht"],
            )
        zone = zoneinfo.ZoneInfo(plan.site.time_zone)
        rows = list(plan.rows.all())
        self.stdout.write(
            f"staffing plan {plan.pk}: {plan.site.name}, {plan.get_model_display()}, "
            f"{len(rows)} intervals, peak {max((r.required_agents for r in rows), default=0)} "
            f"agents / {max((r.scheduled_agents for r in rows), default=0)} positions"
        )
        self.stdout.write(
            f"{'local time (' + plan.site.time_zone + ')':<32} vol   AHT  agents  pos  SL"
        )
        for row in rows:
            local = row.start.astimezone(zone)
            self.stdout.write(
                f"{local:%a %Y-%m-%d %H:%M}{'':<12} {row.volume:5.1f} {row.aht_seconds:5.0f} "
                f"{row.required_agents:6d} {row.scheduled_agents:4d} {row.service_level:5.1%}"
            )
