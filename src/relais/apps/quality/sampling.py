"""Sampling plans and their draws: the contacts of a period, k per agent, stratified by
partner and queue, drawn by `relais.core.evaluation.draw_sample` with the plan's seed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from relais.apps.audit.services import audit_record
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import Contact, ContactState
from relais.apps.organisation.models import Partner
from relais.apps.quality.access import require_quality_analyst
from relais.apps.quality.errors import ErrorCode
from relais.apps.quality.models import (
    EvaluationForm,
    Period,
    SampledContact,
    SampleDraw,
    SamplingPlan,
)
from relais.core.evaluation import SampleCandidate, draw_sample


def period_of(plan: SamplingPlan, day: dt.date) -> tuple[dt.date, dt.date]:
    """The plan's period holding `day`: its Monday to Sunday, or its month."""
    if plan.period == Period.WEEK:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    start = day.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return start, following - dt.timedelta(days=1)


def plan_create(
    *,
    actor: Any,
    name: str,
    form: EvaluationForm,
    per_agent: int,
    period: str,
    partner: Partner | None,
    seed: int,
) -> SamplingPlan:
    require_quality_analyst(actor)
    if not name.strip() or not 1 <= per_agent <= 100 or period not in Period.values:
        raise RelaisError(ErrorCode.INVALID_PLAN, details=name or "?")
    with transaction.atomic():
        plan = SamplingPlan.objects.create(
            name=name.strip()[:120],
            form=form,
            per_agent=per_agent,
            period=period,
            partner=partner,
            seed=seed,
            created_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="quality.sampling_plan.create",
            obj=plan,
            changes={
                "per_agent": per_agent,
                "period": period,
                "partner": partner and partner.pk,
                "seed": seed,
            },
        )
    return plan


def _candidates(plan: SamplingPlan, start: dt.date, end: dt.date) -> list[SampleCandidate]:
    since = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    contacts = Contact.objects.filter(
        state=ContactState.CLOSED,
        agent__isnull=False,
        accepted_at__isnull=False,
        created_at__gte=since,
        created_at__lt=until,
    )
    if plan.partner_id is not None:
        contacts = contacts.filter(agent__site__partner_id=plan.partner_id)
    rows = contacts.values_list("pk", "agent_id", "partner_id", "queue_id")
    return [
        SampleCandidate(agent_id, (partner_id or 0, queue_id or 0), pk)
        for pk, agent_id, partner_id, queue_id in rows
    ]


def sample_draw(*, actor: Any | None, plan: SamplingPlan, day: dt.date) -> SampleDraw:
    """Draw the plan's sample for the period holding `day` (once: a second call returns the
    first draw). `actor` None: the scheduled command."""
    if actor is not None:
        require_quality_analyst(actor)
    start, end = period_of(plan, day)
    with transaction.atomic():
        existing = SampleDraw.objects.filter(plan=plan, period_start=start).first()
        if existing is not None:
            return existing
        draw = SampleDraw.objects.create(
            plan=plan, period_start=start, period_end=end, drawn_at=timezone.now()
        )
        drawn = draw_sample(
            _candidates(plan, start, end),
            per_agent=plan.per_agent,
            seed=plan.seed + start.toordinal(),
        )
        SampledContact.objects.bulk_create(
            SampledContact(draw=draw, contact_id=c.contact_id, agent_id=c.agent_id) for c in drawn
        )
        audit_record(
            actor=actor,
            action="quality.sample.draw",
            obj=draw,
            changes={"plan": plan.pk, "period_start": start, "contacts": len(drawn)},
        )
    return draw
