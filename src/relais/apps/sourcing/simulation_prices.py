"""The simulator's prices from the live data (docs/sourcing.md, "The simulator's prices").

Answers `simulation.prices.prices_wanted` for each agent group a scenario leaves unpriced:

- a partner's site: the partner's contract version valid on the scenario's first day (its
  date in the scenario's time zone); the activity is the first whose queues the group can
  take (its skills reach the queue's minimum levels), as a statement gives an agent's hours
  to one activity. Per productive hour, per handled contact, per resolved contact; tiered
  prices are taken at their first band (a simulated day or week stays far below a month's
  bands). A price per resolved contact needs the share of handled contacts resolved at first
  contact: the partner's judged contacts of the `FCR_DAYS` days before the scenario's date;
  with none, that price is left out.
- an internal site: its loaded cost per productive hour valid on that day.

A scenario's site is a Relais site when its id is the slug of the site's name (as a scenario
built from the live configuration names them); any other id is left unpriced.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Q
from django.utils.text import slugify

from relais.apps.contracts.models import Contract
from relais.apps.organisation.models import Site
from relais.apps.satisfaction.models import FcrJudgement, FcrOutcome
from relais.apps.sourcing.models import LoadedCost
from relais.core.contracts.terms import (
    Activity,
    ContractTerms,
    TermsError,
    TieredPrice,
    terms_from_dict,
)
from relais.core.simulation import AgentGroup, GroupPrice, PriceOrigin, Scenario

__all__ = ["FCR_DAYS", "scenario_prices"]

FCR_DAYS = 90


def _first_day(scenario: Scenario) -> dt.date:
    zone = zoneinfo.ZoneInfo(scenario.time_zone)
    return dt.datetime.fromtimestamp(scenario.start, zone).date()


def _sites_by_slug() -> dict[str, Site]:
    sites = list(Site.objects.select_related("partner"))
    counts = Counter(slugify(site.name) for site in sites)
    return {slugify(site.name): site for site in sites if counts[slugify(site.name)] == 1}


def _takes(group: AgentGroup, skills: Mapping[str, int]) -> bool:
    return all(group.skills.get(skill, 0) >= level for skill, level in skills.items())


def _activity(
    activities: tuple[Activity, ...], group: AgentGroup, scenario: Scenario
) -> Activity | None:
    taken = {spec.queue_id for spec in scenario.queues if _takes(group, spec.config.skills)}
    return next((a for a in activities if taken.intersection(a.queues)), None)


def _first_band(price: TieredPrice | None) -> float | None:
    return None if price is None or not price.tiers else float(price.tiers[0].price)


def _resolved_share(partner_id: int, day: dt.date, zone: str) -> float | None:
    end = dt.datetime.combine(day, dt.time(), zoneinfo.ZoneInfo(zone))
    judged = FcrJudgement.objects.filter(
        partner_id=partner_id,
        arrived_at__gte=end - dt.timedelta(days=FCR_DAYS),
        arrived_at__lt=end,
        outcome__in=(FcrOutcome.RESOLVED, FcrOutcome.REPEAT),
    ).aggregate(n=Count("pk"), ok=Count("pk", filter=Q(outcome=FcrOutcome.RESOLVED)))
    return judged["ok"] / judged["n"] if judged["n"] else None


class _Prices:
    """Contracts and FCR shares read once per partner for one scenario."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.day = _first_day(scenario)
        self.contracts: dict[int, tuple[ContractTerms, str] | None] = {}
        self.shares: dict[int, float | None] = {}

    def contract(self, partner_id: int) -> tuple[ContractTerms, str] | None:
        """The terms valid on the scenario's first day and "reference vN"; None without."""
        if partner_id not in self.contracts:
            found = None
            contract = (
                Contract.objects.filter(partner_id=partner_id, starts_on__lte=self.day)
                .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=self.day))
                .first()
            )
            version = (
                None
                if contract is None
                else contract.versions.filter(valid_from__lte=self.day)
                .order_by("-valid_from")
                .first()
            )
            if version is not None:
                try:
                    found = (terms_from_dict(version.terms), f"{contract} v{version.number}")
                except TermsError:
                    found = None
            self.contracts[partner_id] = found
        return self.contracts[partner_id]

    def share(self, partner_id: int) -> float | None:
        if partner_id not in self.shares:
            zone = self.scenario.time_zone
            self.shares[partner_id] = _resolved_share(partner_id, self.day, zone)
        return self.shares[partner_id]

    def of_partner(self, group: AgentGroup, partner_id: int) -> GroupPrice | None:
        found = self.contract(partner_id)
        if found is None:
            return None
        terms, reference = found
        activity = _activity(terms.activities, group, self.scenario)
        if activity is None:
            return None
        per_resolved = _first_band(activity.per_resolved)
        share = self.share(partner_id) if per_resolved is not None else None
        price = GroupPrice(
            per_hour=None if activity.hourly is None else float(activity.hourly.price),
            per_handled=_first_band(activity.per_handled),
            per_resolved=per_resolved if share is not None else None,
            resolved_share=share,
            currency=terms.currency,
            origin=PriceOrigin.CONTRACT,
            reference=reference,
        )
        if price.per_hour is None and price.per_handled is None and price.per_resolved is None:
            return None
        return price

    def of_site(self, site: Site) -> GroupPrice | None:
        cost = (
            LoadedCost.objects.filter(site=site, valid_from__lte=self.day)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=self.day))
            .first()
        )
        if cost is None:
            return None
        return GroupPrice(
            per_hour=float(cost.per_hour),
            currency=cost.currency,
            origin=PriceOrigin.LOADED_COST,
            reference=cost.valid_from.isoformat(),
        )


def scenario_prices(sender: Any, *, scenario: Scenario, **kwargs: Any) -> dict[str, GroupPrice]:
    """{group: price} for the groups the scenario's file leaves unpriced."""
    unpriced = [group for group in scenario.agents if group.price is None]
    if not unpriced:
        return {}
    sites = _sites_by_slug()
    prices = _Prices(scenario)
    found: dict[str, GroupPrice] = {}
    for group in unpriced:
        site = sites.get(group.site_id)
        if site is None:
            continue
        if site.partner_id is None:
            price = prices.of_site(site)
        else:
            price = prices.of_partner(group, site.partner_id)
        if price is not None:
            found[group.name] = price
    return found
