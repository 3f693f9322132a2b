"""The sourcing comparison: inshore, offshore, homeshore and each partner side by side, on the
same queues and period, through the viewer's scope (docs/sourcing.md).

Lines:
- one per site kind (every site of that kind, the company's and partners'), measured;
- one per partner with sites in Relais, measured;
- one per partner that reported figures from its own systems, marked *reported*;
- for the whole organisation's roles, everyone measured together ("All"), the only line where
  abandonment is known: a contact abandoned in queue was answered by nobody, so it belongs to
  no site and no partner (the same rule as the reports).

Costs: an internal site's productive hours at its loaded cost, day by day; a partner's
invoice for the period (`invoices.partner_invoiced`). Each is shared between the lines and
queues by handling time (`relais.core.sourcing.costs.allocate`); a cost that is not known
for every part of a line leaves the line's cost unknown and says why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from relais.apps.organisation.models import Partner, Site, SiteKind
from relais.apps.sourcing.access import visible_partner_ids
from relais.apps.sourcing.invoices import partner_invoiced
from relais.apps.sourcing.measured import Measured, Period, measured
from relais.apps.sourcing.models import LoadedCost, ReportedDay
from relais.core.kpi import EMPTY_SUMMARY, merge_summaries
from relais.core.sourcing.costs import HourlyRate, allocate, site_cost
from relais.core.sourcing.figures import LineFigures, from_summary
from relais.core.sourcing.reported import ReportedRow, to_figures

MEASURED, REPORTED = "measured", "reported"


@dataclass
class Line:
    key: str
    label: str
    group: str  # "site_kind", "partner" or "total"
    source: str  # MEASURED or REPORTED
    figures: LineFigures
    cost: Decimal | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def cost_per_handled(self) -> Decimal | None:
        return self.figures.cost_per_handled(self.cost)

    @property
    def cost_per_resolved(self) -> Decimal | None:
        return self.figures.cost_per_resolved(self.cost)


@dataclass
class Comparison:
    period: Period
    lines: list[Line]
    currency: str = "EUR"


@dataclass
class _Cost:
    """A cost to share (a site's hours, a partner's invoice) and what it is shared by."""

    amount: Decimal | None
    whole: float  # handling seconds of everything the cost pays for
    note: str = ""


@dataclass
class _Part:
    figures: LineFigures
    cost_key: tuple[str, int] | None
    handling: float  # handling seconds of this part (the compared queues)


def _reported_rows(period: Period, partners: set[int] | None) -> dict[int, list[ReportedDay]]:
    days = ReportedDay.objects.filter(day__gte=period.start, day__lte=period.end)
    if partners is not None:
        days = days.filter(partner_id__in=partners)
    found: dict[int, list[ReportedDay]] = defaultdict(list)
    for day in days.select_related("queue"):
        found[day.partner_id].append(day)
    return found


def _as_row(day: ReportedDay) -> ReportedRow:
    return ReportedRow(
        day=day.day,
        queue=day.queue.code,
        offered=day.offered,
        handled=day.handled,
        abandoned=day.abandoned,
        service_level=day.service_level,
        asa_seconds=day.asa_seconds,
        aht_seconds=day.aht_seconds,
        hours=day.hours,
        csat_responses=day.csat_responses,
        csat_satisfied=day.csat_satisfied,
        fcr_judged=day.fcr_judged,
        fcr_resolved=day.fcr_resolved,
    )


def _site_figures(found: Measured, site_id: int) -> LineFigures:
    figures = from_summary(
        found.contacts.get(site_id, EMPTY_SUMMARY),
        found.agent_time.get(site_id, EMPTY_SUMMARY),
        csat=found.csat.get(site_id, (0, 0)),
        fcr=found.fcr.get(site_id, (0, 0)),
    )
    # abandons belong to nobody: a site's line has no abandonment
    return replace(figures, abandoned=0, abandon_counted=0)


def _rates(period: Period) -> dict[int, list[HourlyRate]]:
    rates: dict[int, list[HourlyRate]] = defaultdict(list)
    for cost in LoadedCost.objects.filter(valid_from__lte=period.end).exclude(
        valid_until__lt=period.start
    ):
        rates[cost.site_id].append(HourlyRate(cost.per_hour, cost.valid_from, cost.valid_until))
    return rates


def _sum(parts: list[_Part], costs: dict[tuple[str, int], _Cost]) -> tuple[Any, Any, list[str]]:
    figures = LineFigures()
    total: Decimal | None = Decimal(0)
    notes: list[str] = []
    for part in parts:
        figures = figures + part.figures
        if part.cost_key is None or (part.handling <= 0 and part.figures.productive_seconds <= 0):
            continue  # no activity in this line: no share of the cost, known or not
        cost = costs[part.cost_key]
        share = allocate(cost.amount, part.handling, cost.whole)
        if share is None:
            total = None
            if cost.note and cost.note not in notes:
                notes.append(cost.note)
        elif total is not None:
            total += share
    return figures, (None if total is None else total.quantize(Decimal("0.01"))), notes


def comparison(*, viewer: Any, period: Period) -> Comparison:
    """The lines the viewer may see (`access.visible_partner_ids`), in a fixed order."""
    partners_seen = visible_partner_ids(viewer)
    everything = partners_seen is None
    found = measured(period)
    sites = {site.pk: site for site in Site.objects.select_related("partner")}
    partners = {p.pk: p for p in Partner.objects.all()}
    reported = _reported_rows(period, partners_seen)
    rates = _rates(period)
    costs: dict[tuple[str, int], _Cost] = {}
    for site_id, site in sites.items():
        if site.partner_id is not None:
            continue
        hours = found.hours_by_day.get(site_id, {})
        priced = site_cost(hours, rates.get(site_id, ()))
        note = ""
        if priced.amount is None:
            note = _("%(site)s: no loaded cost on %(days)s day(s) with hours") % {
                "site": site.name,
                "days": len(priced.uncovered),
            }
        costs[("site", site_id)] = _Cost(
            priced.amount, found.handling_all_queues.get(site_id, 0.0), note
        )
    reported_handling: dict[int, float] = {}
    for partner_id, days in reported.items():
        reported_handling[partner_id] = sum(
            float(day.aht_seconds or 0) * day.handled for day in days
        )
    for partner_id, partner in partners.items():
        measured_whole = sum(
            found.handling_all_queues.get(site_id, 0.0)
            for site_id, site in sites.items()
            if site.partner_id == partner_id
        )
        amount = partner_invoiced(partner_id, period.start, period.end)
        costs[("partner", partner_id)] = _Cost(
            amount,
            measured_whole + reported_handling.get(partner_id, 0.0),
            ""
            if amount is not None
            else _("%(partner)s: no statement for this period") % {"partner": partner.name},
        )

    def site_part(site_id: int) -> _Part:
        site = sites[site_id]
        figures = _site_figures(found, site_id)
        key = ("site", site_id) if site.partner_id is None else ("partner", site.partner_id)
        return _Part(figures, key, figures.handling_seconds)

    lines: list[Line] = []
    if everything:
        for kind, label in SiteKind.choices:
            parts = [site_part(pk) for pk, site in sites.items() if site.kind == kind]
            figures, cost, notes = _sum(parts, costs)
            lines.append(
                Line(f"kind:{kind}", str(label), "site_kind", MEASURED, figures, cost, notes)
            )
    for partner_id, partner in sorted(partners.items(), key=lambda item: item[1].name):
        if not everything and partner_id not in partners_seen:  # type: ignore[operator]
            continue
        own = [pk for pk, site in sites.items() if site.partner_id == partner_id]
        if own:
            figures, cost, notes = _sum([site_part(pk) for pk in own], costs)
            lines.append(
                Line(
                    f"partner:{partner_id}", partner.name, "partner", MEASURED, figures, cost, notes
                )
            )
        reported_days = reported.get(partner_id)
        if reported_days:
            rows = [_as_row(day) for day in reported_days if _queue_chosen(day, period)]
            figures = LineFigures()
            for row in rows:
                figures = figures + to_figures(row)
            part = _Part(figures, ("partner", partner_id), figures.handling_seconds)
            figures, cost, notes = _sum([part], costs)
            lines.append(
                Line(
                    f"reported:{partner_id}",
                    partner.name,
                    "partner",
                    REPORTED,
                    figures,
                    cost,
                    notes,
                )
            )
    if everything:
        lines.append(_total_line(found, lines))
    return Comparison(period, lines, _currency())


def _queue_chosen(day: ReportedDay, period: Period) -> bool:
    return not period.queue_ids or day.queue_id in period.queue_ids


def _total_line(found: Measured, lines: list[Line]) -> Line:
    """Everyone measured together, unanswered contacts included (their abandonment)."""
    figures = from_summary(
        merge_summaries(found.contacts.values()),
        merge_summaries(found.agent_time.values()),
        csat=_pairs(found.csat.values()),
        fcr=_pairs(found.fcr.values()),
    )
    kinds = [line for line in lines if line.group == "site_kind"]
    cost: Decimal | None = Decimal(0)
    notes: list[str] = []
    for line in kinds:
        if line.cost is None:
            cost = None
            notes += [note for note in line.notes if note not in notes]
        elif cost is not None:
            cost += line.cost
    return Line("total", _("All (measured)"), "total", MEASURED, figures, cost, notes)


def _pairs(pairs: Iterable[tuple[int, int]]) -> tuple[int, int]:
    first = second = 0
    for a, b in pairs:
        first, second = first + a, second + b
    return first, second


def _currency() -> str:
    found = LoadedCost.objects.values_list("currency", flat=True).first()
    return found or "EUR"
