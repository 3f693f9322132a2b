"""`relais quality_draw_samples [--day YYYY-MM-DD]`: every sampling plan draws its sample for
the period holding the day (yesterday by default), once; run it daily from cron."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext

from relais.apps.quality.models import SamplingPlan
from relais.apps.quality.sampling import sample_draw


class Command(BaseCommand):
    help = "Draw each sampling plan's sample for the period holding a day (default: yesterday)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", type=dt.date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        day = options["day"] or timezone.localdate() - dt.timedelta(days=1)
        for plan in SamplingPlan.objects.order_by("pk"):
            draw = sample_draw(actor=None, plan=plan, day=day)
            self.stdout.write(
                gettext("%(plan)s: %(count)d contacts, %(start)s to %(end)s")
                % {
                    "plan": plan.name,
                    "count": draw.contacts.count(),
                    "start": draw.period_start,
                    "end": draw.period_end,
                }
            )
