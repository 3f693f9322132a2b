"""First-contact resolution over the contacts: each handled contact judged resolved, repeat or
pending (relais.core.kpi.FcrTracker), the customer matched on `customer_key` and the repeat on
the same subject (the order, else the contact reason); charged to whoever handled the first
contact, even when another partner takes the repeat."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from operator import itemgetter
from typing import Any

from django.db.models import Q
from django.db.models.fields.json import KeyTextTransform

from relais.apps.interactions.models import Contact, ContactState
from relais.apps.organisation.models import Agent, Site
from relais.apps.rows import write_many
from relais.apps.satisfaction.attribution import subject_of, wait_band
from relais.apps.satisfaction.models import FcrCell, FcrJudgement, FcrOutcome, FcrTally
from relais.apps.satisfaction.queries import analyse, judgements_delete_all
from relais.core.kpi import KpiConfig
from relais.core.kpi.quality import FcrTracker, repeat_ref

BATCH = 5000
HANDLED_STATES = (ContactState.WRAP_UP, ContactState.CLOSED)
_COLUMNS = (
    "pk",
    "customer_key",
    "order",
    "wrap_up__reason__code",
    "created_at",
    "accepted_at",
    "abandoned_at",
    "state",
    "agent_id",
    "site_id",
    "partner_id",
    "queue_id",
)
#: What a judgement's cell (`FcrCell`) numbers: its attribution and stratum.
CELL_FIELDS = (
    "agent_id",
    "team_id",
    "site_id",
    "site_kind",
    "partner_id",
    "queue_id",
    "reason",
    "wait_band",
)


def _contact_rows() -> Iterator[tuple[Any, ...]]:
    rows = (
        Contact.objects.annotate(order=KeyTextTransform("order", "attributes"))
        .filter(Q(agent__isnull=False) | ~Q(customer_key=""))
        .order_by()
        .values_list(*_COLUMNS)
    )
    return rows.iterator(chunk_size=BATCH)


def judgements_rebuild(*, window_days: int, as_of: dt.datetime) -> dict[str, int]:
    """Replace every `FcrJudgement`; counts of each outcome."""
    short = KpiConfig().short_abandon_seconds
    teams = dict(Agent.objects.values_list("pk", "team_id"))
    kinds = dict(Site.objects.values_list("pk", "kind"))
    tracker: FcrTracker[int] = FcrTracker(window_days * 86400.0)
    judged: dict[int, dict[str, Any]] = {}
    unidentified: list[dict[str, Any]] = []
    cells: dict[tuple[Any, ...], int] = {}
    for (
        pk,
        key,
        order,
        reason,
        created,
        accepted,
        abandoned,
        state,
        agent,
        site,
        partner,
        queue,
    ) in _contact_rows():
        if abandoned is not None and (abandoned - created).total_seconds() < short:
            continue  # a short abandon is no contact at all
        handled = agent is not None and state in HANDLED_STATES
        reason = reason or ""
        if handled:
            wait = None if accepted is None else (accepted - created).total_seconds()
            fields = {
                "contact_id": pk,
                "arrived_at": created,
                "agent_id": agent,
                "team_id": teams.get(agent),
                "site_id": site,
                "site_kind": kinds.get(site, ""),
                "partner_id": partner,
                "queue_id": queue,
                "reason": reason,
                "wait_band": wait_band(wait),
            }
            cell = tuple(fields[name] for name in CELL_FIELDS)
            fields["cell_id"] = cells.setdefault(cell, len(cells) + 1)
            if key:
                judged[pk] = fields
            else:
                unidentified.append(fields | {"outcome": FcrOutcome.UNIDENTIFIED})
        ref = repeat_ref(key, subject_of({"order": order}, reason))
        if ref is not None:
            tracker.note(ref, created.timestamp(), handled, pk)
    outcomes = {
        pk: FcrOutcome.PENDING
        if resolved is None
        else (FcrOutcome.RESOLVED if resolved else FcrOutcome.REPEAT)
        for pk, resolved in tracker.outcomes(as_of.timestamp())
    }
    judgements_delete_all()
    FcrCell.objects.all().delete()
    write_many(
        FcrCell,
        (
            {"code": code} | dict(zip(CELL_FIELDS, cell, strict=True))
            for cell, code in cells.items()
        ),
    )
    counts = {outcome.name.lower(): 0 for outcome in FcrOutcome}

    def counted() -> Iterator[dict[str, Any]]:
        for fields in _all(judged, outcomes, unidentified):
            counts[FcrOutcome(fields["outcome"]).name.lower()] += 1
            yield fields

    write_many(FcrJudgement, counted())
    analyse(FcrCell, FcrJudgement, FcrTally)
    return counts


def _all(
    judged: dict[int, dict[str, Any]],
    outcomes: Mapping[int, int],
    unidentified: list[dict[str, Any]],
) -> Iterator[dict[str, Any]]:
    """Every judgement, in the order of arrival: the days the league reads from the table (at
    either end of its period, the rest from `FcrTally`) then lie on neighbouring pages instead
    of on every page of it."""
    for pk, fields in judged.items():
        fields["outcome"] = outcomes.get(pk, FcrOutcome.PENDING)
    every = [*judged.values(), *unidentified]
    every.sort(key=itemgetter("arrived_at"))
    return iter(every)
