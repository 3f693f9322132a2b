"""The sourcing comparison's demo data: the loaded cost of the company's own hours (Lille and
the home agents) and a partner keeping its own systems, Sahel Relation Client in Dakar, whose
daily figures on `commandes` and `livraison` for the last four weeks are imported as the
command line does (docs/sourcing.md). Loaded once a day: when yesterday is already reported,
a run writes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from relais.apps.organisation.models import Partner, Site
from relais.apps.organisation.services import partner_create
from relais.apps.sourcing.models import ImportChannel, LoadedCost, ReportedDay
from relais.apps.sourcing.parsing import numbered
from relais.apps.sourcing.services import loaded_cost_set, reported_import
from relais.demo.company_data import DOMICILE, LILLE

SAHEL = "Sahel Relation Client"
#: Loaded cost per productive hour (salary and charges, premises, IT, supervision).
LOADED_COSTS = {LILLE.name: Decimal("34.60"), DOMICILE.name: Decimal("29.80")}
REPORTED_QUEUES = {"commandes": (140, 265.0), "livraison": (90, 310.0)}  # contacts/day, AHT
DAYS = 28


def reported_rows(today: dt.date) -> list[dict[str, object]]:
    """Four weeks of a partner's own figures, up to yesterday: weekdays busier, a dip in
    service level on Mondays; deterministic."""
    rows: list[dict[str, object]] = []
    for back in range(DAYS, 0, -1):
        day = today - dt.timedelta(days=back)
        weekday = day.weekday()
        for queue, (volume, aht) in REPORTED_QUEUES.items():
            offered = volume // 2 if weekday >= 5 else volume + 7 * (day.day % 5)
            abandoned = max(1, offered * (9 if weekday == 0 else 5) // 100)
            handled = offered - abandoned
            rows.append(
                {
                    "date": day.isoformat(),
                    "queue": queue,
                    "offered": offered,
                    "handled": handled,
                    "abandoned": abandoned,
                    "service_level": 71 if weekday == 0 else 78 + day.day % 6,
                    "asa_seconds": 34 if weekday == 0 else 21,
                    "aht_seconds": aht + day.day % 7 * 4,
                    "hours": round(handled * aht / 3600 / 0.78, 1),
                    "csat_responses": handled // 6,
                    "csat_satisfied": handled // 6 * 4 // 5,
                    "fcr_judged": handled // 3,
                    "fcr_resolved": handled // 3 * 7 // 10,
                }
            )
    return rows


def load_demo_sourcing() -> bool:
    """Loaded costs (once) and the reported figures; False when nothing was written."""
    wrote = False
    for name, per_hour in LOADED_COSTS.items():
        site = Site.objects.filter(name=name).first()
        if site is not None and not LoadedCost.objects.filter(site=site).exists():
            loaded_cost_set(
                actor=None, site=site, per_hour=per_hour, valid_from=dt.date(2026, 1, 1)
            )
            wrote = True
    partner = Partner.objects.filter(name=SAHEL).first()
    if partner is None:
        partner = partner_create(
            actor=None,
            fields={
                "name": SAHEL,
                "country": "SN",
                "contact_name": "Aminata Diop",
                "contact_email": "aminata.diop@sahel-relation.example",
                "contact_phone": "+221 33 000 00 00",
                "active": True,
            },
        )
        wrote = True
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    if ReportedDay.objects.filter(partner=partner, day=yesterday).exists():
        return wrote
    reported_import(
        actor=None,
        partner=partner,
        rows=numbered(reported_rows(today)),
        channel=ImportChannel.COMMAND,
        source="demo: sahel-relation-client.csv",
    )
    return True
