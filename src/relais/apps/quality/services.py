"""Writes of quality: forms, evaluations, samples, calibration, disputes, coaching. Each
validates, writes in one transaction and leaves an audit entry in it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from relais.apps.audit.services import audit_record
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import Contact
from relais.apps.organisation.models import Partner
from relais.apps.quality import selectors
from relais.apps.quality.access import (
    is_quality_analyst,
    require_evaluator,
    require_quality_analyst,
)
from relais.apps.quality.errors import ErrorCode
from relais.apps.quality.models import (
    CalibrationRater,
    CalibrationSession,
    CoachingPlan,
    CoachingSession,
    Criterion,
    CriterionScore,
    Dispute,
    DisputeStatus,
    Evaluation,
    EvaluationForm,
    FormSection,
    FormVersion,
    SampledContact,
    SoftSkill,
)
from relais.core.evaluation import CriterionRule, Scorecard, score_evaluation


@dataclass(frozen=True)
class CriterionDefinition:
    label: str
    weight: float = 1.0
    scale_max: int = 4
    soft_skill: str = SoftSkill.NONE
    critical: bool = False
    allows_not_applicable: bool = True
    guidance: str = ""


@dataclass(frozen=True)
class SectionDefinition:
    title: str
    weight: float
    criteria: Sequence[CriterionDefinition] = field(default_factory=tuple)


def form_version_create(
    *, actor: Any, name: str, sections: Sequence[SectionDefinition], passing_score: float = 80.0
) -> FormVersion:
    """A new version of the form `name` (created if new); earlier versions stay as they were,
    with the evaluations scored on them."""
    require_quality_analyst(actor)
    problems = [
        f"{s.title}: {c.label}"
        for s in sections
        for c in s.criteria
        if c.weight <= 0 or c.scale_max < 1 or (c.critical and c.allows_not_applicable)
    ]
    if not sections or any(s.weight < 0 or not s.criteria for s in sections) or problems:
        raise RelaisError(ErrorCode.INVALID_FORM, details=", ".join(problems) or name)
    now = timezone.now()
    with transaction.atomic():
        form, _ = EvaluationForm.objects.get_or_create(name=name, defaults={"created_at": now})
        last = form.versions.order_by("-number").values_list("number", flat=True).first() or 0
        version = FormVersion.objects.create(
            form=form,
            number=last + 1,
            passing_score=passing_score,
            created_at=now,
            created_by=actor,
        )
        for s_order, section in enumerate(sections):
            row = FormSection.objects.create(
                version=version, title=section.title, weight=section.weight, order=s_order
            )
            Criterion.objects.bulk_create(
                Criterion(
                    section=row,
                    label=c.label,
                    guidance=c.guidance,
                    soft_skill=c.soft_skill,
                    weight=c.weight,
                    scale_max=c.scale_max,
                    critical=c.critical,
                    allows_not_applicable=c.allows_not_applicable,
                    order=c_order,
                )
                for c_order, c in enumerate(section.criteria)
            )
        audit_record(
            actor=actor,
            action="quality.form_version.create",
            obj=version,
            changes={
                "form": name,
                "number": version.number,
                "sections": [s.title for s in sections],
            },
        )
    return version


def _scorecard(version: FormVersion, points: Mapping[int, int | None]) -> Scorecard:
    full = selectors.form_version_full(version.pk)
    rules = [
        CriterionRule(c.pk, s.pk, c.weight, c.scale_max, c.critical, c.allows_not_applicable)
        for s in full.sections.all()
        for c in s.criteria.all()
    ]
    try:
        return score_evaluation(rules, {s.pk: s.weight for s in full.sections.all()}, points)
    except ValueError as invalid:
        raise RelaisError(ErrorCode.INVALID_SCORES, details=str(invalid)) from invalid


def _write_scores(evaluation: Evaluation, points: Mapping[int, int | None]) -> None:
    CriterionScore.objects.filter(evaluation=evaluation).delete()
    CriterionScore.objects.bulk_create(
        CriterionScore(evaluation=evaluation, criterion_id=cid, points=p)
        for cid, p in points.items()
    )


def evaluation_submit(
    *,
    actor: Any,
    contact: Contact,
    version: FormVersion,
    points: Mapping[int, int | None],
    comment: str = "",
    calibration: CalibrationSession | None = None,
) -> Evaluation:
    """Score a contact: on its agent (the caller checked the actor may score them), or blind
    in a calibration session the actor rates in."""
    require_evaluator(actor)
    card = _scorecard(version, points)
    partner = Partner.objects.filter(pk=actor.partner_id).first() if actor.partner_id else None
    with transaction.atomic():
        if calibration is not None:
            rater = CalibrationRater.objects.filter(session=calibration, user=actor).first()
            if rater is None or not calibration.contacts.filter(pk=contact.pk).exists():
                raise RelaisError(ErrorCode.NOT_A_RATER)
            if Evaluation.objects.filter(
                calibration=calibration, contact=contact, evaluator=actor
            ).exists():
                raise RelaisError(ErrorCode.ALREADY_SCORED)
        sampled = SampledContact.objects.filter(contact=contact).order_by("-pk").first()
        evaluation = Evaluation.objects.create(
            contact=contact,
            agent=contact.agent,  # type: ignore[misc]  # a handled contact (the selectors')
            form_version=version,
            evaluator=actor,
            evaluator_partner=partner,
            calibration=calibration,
            sampled=sampled if calibration is None else None,
            score=card.score,
            critical_failed=card.critical_failed,
            comment=comment[:2000],
            submitted_at=timezone.now(),
        )
        _write_scores(evaluation, points)
        audit_record(
            actor=actor,
            action="quality.evaluation.submit",
            obj=evaluation,
            changes={
                "contact": contact.pk,
                "form_version": version.pk,
                "score": card.score,
                "critical_failed": card.critical_failed,
                "calibration": calibration.pk if calibration else None,
            },
        )
    return evaluation


def calibration_create(
    *,
    actor: Any,
    title: str,
    version: FormVersion,
    contacts: Sequence[Contact],
    raters: Sequence[Any],
) -> CalibrationSession:
    """A session: the contacts every rater scores blind; quality analysts are the reference."""
    require_quality_analyst(actor)
    if not title.strip() or not contacts or len(raters) < 2:
        raise RelaisError(ErrorCode.INVALID_CALIBRATION)
    with transaction.atomic():
        session = CalibrationSession.objects.create(
            title=title.strip()[:120],
            form_version=version,
            created_at=timezone.now(),
            created_by=actor,
        )
        session.contacts.set(contacts)
        CalibrationRater.objects.bulk_create(
            CalibrationRater(
                session=session,
                user=user,
                partner_id=user.partner_id,
                reference=is_quality_analyst(user) and user.partner_id is None,
            )
            for user in raters
        )
        audit_record(
            actor=actor,
            action="quality.calibration.create",
            obj=session,
            changes={"contacts": [c.pk for c in contacts], "raters": [u.pk for u in raters]},
        )
    return session


def dispute_open(*, actor: Any, evaluation: Evaluation, reason: str) -> Dispute:
    """The evaluated agent contests their evaluation, saying why."""
    if evaluation.agent.user_id != actor.pk:
        raise RelaisError(ErrorCode.NOT_EVALUATED_AGENT)
    reason = (reason or "").strip()
    if not reason:
        raise RelaisError(ErrorCode.REASON_REQUIRED)
    with transaction.atomic():
        if Dispute.objects.filter(evaluation=evaluation).exists():
            raise RelaisError(ErrorCode.DISPUTE_EXISTS)
        dispute = Dispute.objects.create(
            evaluation=evaluation,
            reason=reason[:2000],
            opened_at=timezone.now(),
            score_before=evaluation.score,
        )
        audit_record(actor=actor, action="quality.dispute.open", obj=dispute, reason=reason)
    return dispute


def _open_dispute(evaluation: Evaluation) -> Dispute:
    dispute = Dispute.objects.select_for_update().filter(evaluation=evaluation).first()
    if dispute is None or dispute.status != DisputeStatus.OPEN:
        raise RelaisError(ErrorCode.DISPUTE_CLOSED)
    return dispute


def dispute_confirm(*, actor: Any, evaluation: Evaluation, decision: str) -> Dispute:
    """A quality analyst reviews the dispute and keeps the score, saying why."""
    require_quality_analyst(actor)
    decision = (decision or "").strip()
    if not decision:
        raise RelaisError(ErrorCode.REASON_REQUIRED)
    with transaction.atomic():
        dispute = _open_dispute(evaluation)
        dispute.status = DisputeStatus.CONFIRMED
        dispute.decision, dispute.decided_by, dispute.decided_at = (
            decision[:2000],
            actor,
            timezone.now(),
        )
        dispute.save()
        audit_record(actor=actor, action="quality.dispute.confirm", obj=dispute, reason=decision)
    return dispute


def dispute_rescore(
    *, actor: Any, evaluation: Evaluation, points: Mapping[int, int | None], decision: str
) -> Dispute:
    """A quality analyst scores the evaluation again; the previous points go into the audit."""
    require_quality_analyst(actor)
    decision = (decision or "").strip()
    if not decision:
        raise RelaisError(ErrorCode.REASON_REQUIRED)
    card = _scorecard(evaluation.form_version, points)
    with transaction.atomic():
        dispute = _open_dispute(evaluation)
        before = dict(evaluation.scores.values_list("criterion_id", "points"))
        _write_scores(evaluation, points)
        evaluation.score, evaluation.critical_failed = card.score, card.critical_failed
        evaluation.save(update_fields=["score", "critical_failed"])
        dispute.status = DisputeStatus.RESCORED
        dispute.decision, dispute.decided_by, dispute.decided_at = (
            decision[:2000],
            actor,
            timezone.now(),
        )
        dispute.save()
        audit_record(
            actor=actor,
            action="quality.dispute.rescore",
            obj=dispute,
            changes={
                "points_before": before,
                "points": dict(points),
                "score_before": dispute.score_before,
                "score": card.score,
            },
            reason=decision,
        )
    return dispute


def coaching_plan_create(*, actor: Any, evaluation: Evaluation, goals: str) -> CoachingPlan:
    """Goals for the evaluated agent (the caller checked the actor may score them)."""
    require_evaluator(actor)
    goals = (goals or "").strip()
    if not goals:
        raise RelaisError(ErrorCode.REASON_REQUIRED)
    with transaction.atomic():
        plan = CoachingPlan.objects.create(
            agent_id=evaluation.agent_id,
            evaluation=evaluation,
            goals=goals[:4000],
            created_by=actor,
            created_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="quality.coaching_plan.create",
            obj=plan,
            changes={"evaluation": evaluation.pk},
        )
    return plan


def coaching_session_add(
    *, actor: Any, plan: CoachingPlan, held_on: dt.date, notes: str
) -> CoachingSession:
    require_evaluator(actor)
    notes = (notes or "").strip()
    if not notes:
        raise RelaisError(ErrorCode.REASON_REQUIRED)
    with transaction.atomic():
        session = CoachingSession.objects.create(
            plan=plan, held_on=held_on, notes=notes[:4000], coach=actor
        )
        audit_record(
            actor=actor,
            action="quality.coaching_session.add",
            obj=session,
            changes={"plan": plan.pk, "held_on": held_on},
        )
    return session


def coaching_follow_up_set(
    *, actor: Any, plan: CoachingPlan, evaluation: Evaluation
) -> CoachingPlan:
    """The later evaluation of the same agent that tells whether the coaching worked."""
    require_evaluator(actor)
    if evaluation.agent_id != plan.agent_id or evaluation.submitted_at <= plan.created_at:
        raise RelaisError(ErrorCode.INVALID_FOLLOW_UP)
    with transaction.atomic():
        plan.follow_up = evaluation
        plan.save(update_fields=["follow_up"])
        audit_record(
            actor=actor,
            action="quality.coaching_plan.follow_up",
            obj=plan,
            changes={"follow_up": evaluation.pk},
        )
    return plan
