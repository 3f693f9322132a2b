"""The month a statement reads, from the record: contacts, the agent state log, requests.

The same rows as the reports, through the same rules (`reporting.records`): contacts as the
core's columns (`contact_columns`), an agent's states as `StateSpan`s from the event log. What the
partner was asked for comes from the staffing requests (`wfm.staffing_figures`): the binding
requested agents per interval, the partner's commitments, and the forecast behind the request.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from relais.apps.contracts.contact_columns import customer_contact_columns, month_contact_columns
from relais.apps.contracts.models import Contract
from relais.apps.contracts.queries import state_seconds, summed_in_database
from relais.apps.interactions.models import Contact
from relais.apps.organisation.models import Agent
from relais.apps.quality.models import Evaluation
from relais.apps.reporting.records import SpanTracker, agent_places
from relais.apps.reporting.stats import state_spans
from relais.apps.satisfaction.models import SurveyAnswer
from relais.apps.wfm.models import ForecastInterval, StaffingRequest
from relais.apps.wfm.staffing_figures import (
    committed_by_interval,
    queue_agent_ids,
    requested_by_interval,
)
from relais.core.contracts.contacts import ContactColumns, CustomerContacts
from relais.core.contracts.evaluation import MonthInputs, QualityScore, StateSeconds
from relais.core.contracts.terms import ContractTerms
from relais.core.kpi import AgentState, StateSpan, to_epoch


def month_start(moment: date) -> date:
    return moment.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def previous_month(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=timezone.get_current_timezone())


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """Local midnight of the month's first day to that of the next month's."""
    return local_midnight(month), local_midnight(next_month(month))


def _arrived(start: datetime, end: datetime) -> Q:
    queued = Q(queued_at__gte=start, queued_at__lt=end)
    return queued | Q(queued_at__isnull=True, created_at__gte=start, created_at__lt=end)


def _contacts(
    contract: Contract, queues: list[str], start: datetime, end: datetime
) -> ContactColumns:
    rows = (
        Contact.objects.filter(_arrived(start, end), queue__code__in=queues)
        .filter(Q(partner_id=contract.partner_id) | Q(agent__isnull=True))
        .order_by()
    )
    answered = SurveyAnswer.objects.filter(
        invitation__contact__in=Contact.objects.filter(_arrived(start, end), queue__code__in=queues)
        .filter(partner_id=contract.partner_id)
        .values("pk"),
        agent_csat__isnull=False,
    )
    scores = answered.values_list("invitation__contact_id", "agent_csat")
    found = {str(pk): score for pk, score in scores if score is not None}
    return month_contact_columns(rows).with_csat(found)


def _customer_contacts(start: datetime, as_of: datetime) -> CustomerContacts:
    rows = Contact.objects.filter(_arrived(start, as_of)).exclude(customer_key="").order_by()
    return customer_contact_columns(rows)


def _agent_activity(contract: Contract, terms: ContractTerms) -> dict[str, str]:
    """Each of the partner's agents under the first activity one of whose queues it takes."""
    chosen: dict[str, str] = {}
    for activity in terms.activities:
        for queue in activity.queues:
            probe = StaffingRequest(partner_id=contract.partner_id, queue=queue)
            for agent in queue_agent_ids(request=probe):
                chosen.setdefault(str(agent), activity.code)
    return chosen


def _requests(
    contract: Contract, terms: ContractTerms, start: datetime, end: datetime
) -> tuple[
    dict[tuple[str, float], int], dict[tuple[str, float], int], dict[tuple[str, float], float]
]:
    requested: dict[tuple[str, float], int] = {}
    committed: dict[tuple[str, float], int] = {}
    forecast: dict[tuple[str, float], float] = {}
    for activity in terms.activities:
        for request in StaffingRequest.objects.filter(
            partner_id=contract.partner_id, queue__in=activity.queues
        ):
            binding = requested_by_interval(request=request, start=start, end=end)
            plans = set()
            for at, row in binding.items():
                key = (activity.code, to_epoch(at))
                requested[key] = requested.get(key, 0) + row.agents
                if row.version.staffing_plan_id is not None:
                    plans.add(row.version.staffing_plan_id)
            for at, agents in committed_by_interval(request=request, start=start, end=end).items():
                key = (activity.code, to_epoch(at))
                committed[key] = committed.get(key, 0) + agents
            values = (
                ForecastInterval.objects.filter(
                    run__staffing_plans__in=plans, start__gte=start, start__lt=end
                )
                .values_list("start", "volume")
                .distinct()
            )
            for at, volume in values:
                key = (activity.code, to_epoch(at))
                forecast[key] = forecast.get(key, 0.0) + volume
    return requested, committed, forecast


def _agent_time(
    terms: ContractTerms, partner_agents: set[str], start: datetime, end: datetime, now: float
) -> tuple[list[StateSpan], Sequence[StateSeconds]]:
    """The partner's agents' spans (SQLite), or their seconds summed by PostgreSQL."""
    if not summed_in_database():
        spans = [
            span
            for span in state_spans(start, end, SpanTracker(agent_places()), now)
            if span.agent_id in partner_agents
        ]
        return spans, []
    priced = {AgentState.BREAK}
    for activity in terms.activities:
        if activity.hourly is not None:
            priced |= activity.hourly.counted_states
    seconds = state_seconds(
        [int(pk) for pk in partner_agents],
        priced,
        start,
        end,
        now=now,
        interval_seconds=terms.interval_minutes * 60.0,
    )
    return [], seconds


def month_inputs(
    *, contract: Contract, terms: ContractTerms, month: date, as_of: datetime
) -> MonthInputs:
    """Everything `statement_lines` reads for `month`, as the log stands at `as_of`; call
    it within `queries.month_reading` and evaluate there (agents' hours may still be read)."""
    start, end = month_bounds(month)
    queues = sorted({q for activity in terms.activities for q in activity.queues})
    partner_agents = {
        str(pk)
        for pk in Agent.objects.filter(site__partner_id=contract.partner_id).values_list(
            "pk", flat=True
        )
    }
    requested, committed, forecast = _requests(contract, terms, start, end)
    quality = [
        QualityScore(queue, to_epoch(at), float(score or 0.0))
        for queue, at, score in Evaluation.objects.filter(
            agent__site__partner_id=contract.partner_id,
            calibration__isnull=True,
            score__isnull=False,
            contact__queue__code__in=queues,
            submitted_at__gte=start,
            submitted_at__lt=end,
        ).values_list("contact__queue__code", "submitted_at", "score")
    ]
    days = []
    day = month
    while day < next_month(month):
        days.append(to_epoch(local_midnight(day)))
        day += timedelta(days=1)
    contacts = _contacts(contract, queues, start, end)
    customer_contacts = _customer_contacts(start, as_of)
    agent_activity = _agent_activity(contract, terms)
    # last: on PostgreSQL the agents' hours are summed while the contacts are evaluated
    spans, seconds = _agent_time(terms, partner_agents, start, end, to_epoch(min(end, as_of)))
    return MonthInputs(
        start=to_epoch(start),
        end=to_epoch(end),
        as_of=to_epoch(as_of),
        contacts=contacts,
        customer_contacts=customer_contacts,
        spans=spans,
        state_seconds=seconds,
        agent_activity=agent_activity,
        requested=requested,
        committed=committed,
        forecast=forecast,
        quality=quality,
        days=days,
    )
