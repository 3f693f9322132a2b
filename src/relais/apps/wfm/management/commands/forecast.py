"""relais forecast --site Lille --queue orders --history history.csv [--start D] [--days 7]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from relais.apps.wfm import services
from relais.apps.wfm.management.commands._common import day, refusals, site_named
from relais.apps.wfm.progress import ProgressBar
from relais.core.importing import DEFAULT_TOLERANCE, ImportReport
from relais.core.wfm.forecast import default_methods


class Command(BaseCommand):
    help = (
        "Forecast a queue's volume and AHT on a site's open intervals from a history CSV "
        "(columns start, volume, optional aht_seconds); the backtest picks the method."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site", required=True, help="site name (or id)")
        parser.add_argument("--queue", required=True, help="queue or series name")
        parser.add_argument("--history", required=True, type=Path, help="CSV file")
        parser.add_argument(
            "--tolerance-percent",
            type=float,
            default=100 * DEFAULT_TOLERANCE,
            metavar="PERCENT",
            help="malformed lines skipped and reported up to this share of the lines "
            "(default 0.1); beyond it the file is refused",
        )
        parser.add_argument("--start", type=day, help="first day to forecast (default: next)")
        parser.add_argument("--days", type=int, default=7, help="days to forecast (1-62)")
        names = ", ".join(m.name for m in default_methods())
        parser.add_argument(
            "--methods",
            help=f"comma-separated candidates among {names} "
            f"(default: {', '.join(services.FAST_METHODS)})",
        )
        parser.add_argument(
            "--all-methods", action="store_true", help="every candidate (statsforecast: slower)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        site = site_named(options["site"])
        try:
            content = options["history"].read_bytes()
        except OSError as missing:
            raise CommandError(f"cannot read {options['history']}: {missing}") from missing
        methods = [m.strip() for m in (options["methods"] or "").split(",") if m.strip()]
        if options["all_methods"]:
            methods = [m.name for m in default_methods()]
        budget = 60.0 if options["all_methods"] else 5.0
        with refusals(), ProgressBar("forecast", budget):
            run = services.forecast_run_create(
                actor=None,
                site=site,
                queue=options["queue"],
                history_csv=content,
                tolerance=options["tolerance_percent"] / 100,
                horizon_start=options["start"],
                horizon_days=options["days"],
                methods=methods or None,
            )
        if run.import_report and run.import_report["skipped"]:
            report = ImportReport.from_json(run.import_report)
            report.source = str(options["history"])
            self.stderr.write(report.summary())
        forecast = run.values.filter(is_history=False)
        total = sum(row.volume for row in forecast)
        self.stdout.write(
            f"forecast run {run.pk}: {run.queue} on {site.name}, {run.horizon_start} to "
            f"{run.horizon_end}, {forecast.count()} intervals of {run.interval_minutes} min, "
            f"{total:.0f} contacts"
        )
        self.stdout.write(f"method {run.method}: WAPE {run.wape}, MASE {run.mase}")
        for score in run.scores:
            self.stdout.write(f"  {score['method']:<28} WAPE {score['wape']}")
