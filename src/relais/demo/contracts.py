"""Contracts for Atlas Contact and Carpathia CX, and last month's statements computed from
the demo's history (docs/contracts.md, "Demo").

Atlas is paid by the productive hour on the chat queues, with a daily service-level target
and a CSAT bonus; Carpathia by the handled and resolved contact on the voice and Dutch
queues, with tiers, a minimum and an abandonment target. Last month's statements are
computed by the demo's director; Atlas's is issued, so that its manager can read and dispute
it; Carpathia's stays a draft. Loading again changes nothing once they exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from relais.apps.accounts.models import Role, User
from relais.apps.contracts import services
from relais.apps.contracts.inputs import month_start, previous_month
from relais.apps.contracts.models import Contract, Statement
from relais.apps.organisation.models import Partner
from relais.demo.company_data import ATLAS, CARPATHIA

ATLAS_TERMS: dict[str, Any] = {
    "currency": "EUR",
    "activities": [
        {
            "code": "chat",
            "queues": ["commandes", "soir"],
            "hourly": {
                "price": "14.50",
                "break_allowance_minutes": 5,
                "request_tolerance": "0.10",
                "under_staffing_price": "10",
                "downtime_share": "0.5",
                "training_price": "9",
            },
            "targets": [
                {
                    "kpi": "service_level",
                    "per": "day",
                    "threshold_seconds": 20,
                    "bands": [{"at_least": 0.8, "amount": "50"}, {"below": 0.8, "amount": "-100"}],
                    "penalty_cap": "1000",
                    "forecast_tolerance": "0.15",
                },
                {
                    "kpi": "csat",
                    "per": "month",
                    "bands": [{"at_least": 0.85, "percent": "2"}],
                    "bonus_cap": "500",
                },
            ],
        }
    ],
}
CARPATHIA_TERMS: dict[str, Any] = {
    "currency": "EUR",
    "activities": [
        {
            "code": "calls",
            "queues": ["livraison", "nl"],
            "per_handled": {"tiers": [{"up_to": 2000, "price": "2.40"}, {"price": "2.10"}]},
            "per_resolved": {"tiers": [{"price": "0.60"}]},
            "clawback_days": 7,
            "minimum_amount": "1500",
            "targets": [
                {
                    "kpi": "abandonment",
                    "per": "month",
                    "bands": [
                        {"below": 0.05, "amount": "200"},
                        {"at_least": 0.1, "amount": "-300"},
                    ],
                }
            ],
        }
    ],
}
CONTRACTS = ((ATLAS, "ATLAS-2026", ATLAS_TERMS), (CARPATHIA, "CARPATHIA-2026", CARPATHIA_TERMS))


def load_demo_contracts() -> dict[str, int]:
    """The two contracts (once), and last month's statements (once); counts of what was made."""
    made = {"contracts": 0, "statements": 0}
    director = User.objects.filter(role=Role.DIRECTOR, is_active=True).order_by("pk").first()
    if director is None:
        return made
    today = timezone.localdate()
    first_version = month_start(today) - dt.timedelta(days=365)
    last_month = previous_month(today)
    for partner_name, reference, terms in CONTRACTS:
        partner = Partner.objects.filter(name=partner_name).first()
        if partner is None:
            continue
        contract = Contract.objects.filter(partner=partner).first()
        if contract is None:
            with transaction.atomic():
                contract = Contract.objects.create(
                    partner=partner, reference=reference, starts_on=first_version.replace(day=1)
                )
            services.contract_version_add(
                actor=director, contract=contract, valid_from=contract.starts_on, terms=terms
            )
            made["contracts"] += 1
        if Statement.objects.filter(contract=contract, month=last_month).exists():
            continue
        statement = services.statement_compute(actor=director, contract=contract, month=last_month)
        if partner_name == ATLAS:
            services.statement_issue(actor=director, statement=statement)
        made["statements"] += 1
    return made
