"""Figures files, interval statistics and statements for the sourcing tests."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from relais.apps.contracts.models import Contract, ContractVersion, Statement, StatementState
from relais.apps.organisation.models import Partner, Site
from relais.apps.reporting.models import IntervalStat
from relais.apps.routing.models import Queue

HEADER = (
    "date;queue;offered;handled;abandoned;service_level;asa_seconds;aht_seconds;hours;"
    "csat_responses;csat_satisfied"
)


def figures_file(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


GOOD = (
    "2026-11-02;orders;120;110;10;82,5;18;240;11;40;34",
    "2026-11-03;orders;100;95;5;90;12;250;9;30;27",
    "2026-11-04;orders;80;80;0;95;8;230;7;20;18",
)


def moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), zoneinfo.ZoneInfo(settings.TIME_ZONE))


def contacts_stat(
    site: Site | None, queue: Queue, day: dt.date, *, handled: int, talk: float, **more: float
) -> IntervalStat:
    """Contacts of one interval answered on `site` (None: abandoned, nobody's)."""
    abandoned = int(more.pop("abandoned", 0))
    return IntervalStat.objects.create(
        interval_start=moment(day),
        queue=queue,
        channel=queue.channel,
        site=site,
        site_kind=site.kind if site else "",
        partner_id=site.partner_id if site else None,
        offered=handled + abandoned,
        abandoned=abandoned,
        answered=handled,
        handled=handled,
        talk_seconds=talk,
        **more,  # type: ignore[arg-type]
    )


def time_stat(site: Site, day: dt.date, *, busy: float, available: float) -> IntervalStat:
    """Agents' time on `site` in one interval of `day` (no queue)."""
    return IntervalStat.objects.create(
        interval_start=moment(day, 14),
        site=site,
        site_kind=site.kind,
        partner_id=site.partner_id,
        handling_state_seconds=busy,
        available_seconds=available,
    )


def billed(partner: Partner, month: dt.date, total: str) -> Statement:
    """An issued statement of `total` for `partner`'s `month`."""
    contract, _ = Contract.objects.get_or_create(
        partner=partner,
        defaults={"reference": f"C-{partner.pk}", "starts_on": month},
    )
    version, _ = ContractVersion.objects.get_or_create(
        contract=contract,
        number=1,
        defaults={
            "valid_from": month,
            "terms": {"currency": "EUR"},
            "created_at": timezone.now(),
        },
    )
    now = timezone.now()
    return Statement.objects.create(
        contract=contract,
        version=version,
        month=month,
        state=StatementState.ISSUED,
        currency="EUR",
        total=Decimal(total),
        digest="0" * 64,
        computed_at=now,
        as_of=now,
        issued_at=now,
    )
