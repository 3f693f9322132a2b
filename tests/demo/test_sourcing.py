"""The demo's sourcing data: loaded costs of Lille and the home agents, a partner's reported
figures; loaded once a day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from relais.apps.audit.models import AuditEntry
from relais.apps.sourcing.models import LoadedCost, ReportedDay
from relais.demo.company import load_demo_company
from relais.demo.queues import load_demo_queues
from relais.demo.sourcing import DAYS, SAHEL, load_demo_sourcing


def test_the_demo_costs_its_own_sites_and_imports_a_partners_own_figures(db: None) -> None:
    load_demo_company()
    load_demo_queues()

    assert load_demo_sourcing()

    costs = dict(LoadedCost.objects.values_list("site__name", "per_hour"))
    assert costs == {"Lille": Decimal("34.60"), "Domicile France": Decimal("29.80")}
    days = ReportedDay.objects.filter(partner__name=SAHEL)
    assert days.count() == 2 * DAYS
    assert max(days.values_list("day", flat=True)) == timezone.localdate() - dt.timedelta(days=1)
    assert AuditEntry.objects.filter(action="sourcing.reported_import").count() == 1
    assert not load_demo_sourcing()  # a second run writes nothing
    assert AuditEntry.objects.filter(action="sourcing.reported_import").count() == 1
