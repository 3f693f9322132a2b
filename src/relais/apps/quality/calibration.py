"""Calibration sessions as read: who has scored, and, once everyone has, the agreement.

Nobody sees another rater's score before the session is complete (every rater has scored
every contact): `calibration_results` refuses until then, for everyone, the organiser
included. Once complete: Krippendorff's alpha per criterion (ordinal, the criterion's points),
per evaluator and per partner (interval, each criterion's share of its scale, against the
reference analysts), and each rater's and partner's bias: the mean difference of their scores
to the reference analysts' mean on the same contacts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from relais.apps.errors import RelaisError
from relais.apps.quality import selectors
from relais.apps.quality.access import is_quality_analyst
from relais.apps.quality.errors import ErrorCode
from relais.apps.quality.models import (
    CalibrationRater,
    CalibrationSession,
    CriterionScore,
    Evaluation,
)
from relais.core.evaluation import Level, krippendorff_alpha, mean_difference


@dataclass(frozen=True)
class RaterProgress:
    rater: CalibrationRater
    scored: int
    total: int

    @property
    def done(self) -> bool:
        return self.scored >= self.total


def calibration_progress(session: CalibrationSession) -> list[RaterProgress]:
    total = session.contacts.count()
    counts: dict[int, int] = defaultdict(int)
    for evaluator_id in Evaluation.objects.filter(calibration=session).values_list(
        "evaluator_id", flat=True
    ):
        counts[evaluator_id] += 1
    raters = session.raters.select_related("user", "partner").order_by(
        "-reference", "user__last_name"
    )
    return [RaterProgress(r, counts[r.user_id], total) for r in raters]


def calibration_complete(session: CalibrationSession) -> bool:
    progress = calibration_progress(session)
    return bool(progress) and all(p.done for p in progress)


@dataclass(frozen=True)
class Agreement:
    label: str
    alpha: float | None
    bias: float | None = None
    raters: int = 0


@dataclass
class CalibrationResults:
    overall: float | None
    criteria: list[Agreement] = field(default_factory=list)
    evaluators: list[Agreement] = field(default_factory=list)
    partners: list[Agreement] = field(default_factory=list)
    #: (contact, {rater label: total score}) for the raters the viewer may see
    totals: list[tuple[int, dict[str, float | None]]] = field(default_factory=list)


def _rater_label(rater: CalibrationRater) -> str:
    return rater.user.get_full_name() or rater.user.username


def _results(
    session: CalibrationSession,
) -> tuple[CalibrationResults, dict[int | None, float | None]]:
    version = selectors.form_version_full(session.form_version_id)
    criteria = [c for s in version.sections.all() for c in s.criteria.all()]
    contacts = sorted(session.contacts.values_list("pk", flat=True))
    raters = list(
        session.raters.select_related("user", "partner").order_by(
            "-reference", "user__last_name", "pk"
        )
    )
    evaluations = {
        (e.evaluator_id, e.contact_id): e for e in Evaluation.objects.filter(calibration=session)
    }
    points: dict[tuple[int, int, int], int | None] = {
        (evaluation.evaluator_id, evaluation.contact_id, criterion_id): p
        for evaluation in evaluations.values()
        for criterion_id, p in CriterionScore.objects.filter(evaluation=evaluation).values_list(
            "criterion_id", "points"
        )
    }

    def total(user_id: int, contact: int) -> float | None:
        evaluation = evaluations.get((user_id, contact))
        return None if evaluation is None else evaluation.score

    def shares(user_id: int) -> list[float | None]:
        return [
            None
            if points.get((user_id, contact, c.pk)) is None
            else points[(user_id, contact, c.pk)] / c.scale_max  # type: ignore[operator]
            for contact in contacts
            for c in criteria
        ]

    reference = [r for r in raters if r.reference]
    reference_mean: list[float | None] = []
    for contact in contacts:
        scores = [s for r in reference if (s := total(r.user_id, contact)) is not None]
        reference_mean.append(sum(scores) / len(scores) if scores else None)

    results = CalibrationResults(
        overall=krippendorff_alpha(
            [[total(r.user_id, c) for c in contacts] for r in raters], Level.INTERVAL
        )
    )
    for criterion in criteria:
        given: list[list[float | None]] = [
            [points.get((r.user_id, c, criterion.pk)) for c in contacts] for r in raters
        ]
        results.criteria.append(
            Agreement(criterion.label, krippendorff_alpha(given, Level.ORDINAL), raters=len(raters))
        )
    for rater in raters:
        if rater.reference:
            continue
        matrix = [shares(r.user_id) for r in [*reference, rater]]
        bias = mean_difference([total(rater.user_id, c) for c in contacts], reference_mean)
        results.evaluators.append(
            Agreement(_rater_label(rater), krippendorff_alpha(matrix, Level.INTERVAL), bias, 1)
        )
    by_partner: dict[int | None, list[CalibrationRater]] = defaultdict(list)
    for rater in raters:
        if not rater.reference:
            by_partner[rater.partner_id].append(rater)
    partner_bias: dict[int | None, float | None] = {}
    for partner_id, members in by_partner.items():
        matrix = [shares(r.user_id) for r in [*reference, *members]]
        means: list[float | None] = []
        for contact in contacts:
            scores = [s for r in members if (s := total(r.user_id, contact)) is not None]
            means.append(sum(scores) / len(scores) if scores else None)
        bias = mean_difference(means, reference_mean)
        partner_bias[partner_id] = bias
        name = members[0].partner.name if members[0].partner else "—"
        results.partners.append(
            Agreement(name, krippendorff_alpha(matrix, Level.INTERVAL), bias, len(members))
        )
    for contact in contacts:
        results.totals.append(
            (contact, {_rater_label(r): total(r.user_id, contact) for r in raters})
        )
    return results, partner_bias


def calibration_results(*, viewer: Any, session: CalibrationSession) -> CalibrationResults:
    """The session's agreement, once complete (else 409 for everyone). A partner's evaluator
    sees the criteria, their own row, their partner's and the reference's scores only."""
    if not calibration_complete(session):
        raise RelaisError(ErrorCode.CALIBRATION_NOT_COMPLETE)
    results, _ = _results(session)
    if is_quality_analyst(viewer):
        return results
    rater = session.raters.select_related("user", "partner").filter(user_id=viewer.pk).first()
    if rater is None:
        raise RelaisError(ErrorCode.NOT_A_RATER)
    own = _rater_label(rater)
    partner_name = rater.partner.name if rater.partner else None
    visible = {own} | {
        _rater_label(r) for r in session.raters.select_related("user").filter(reference=True)
    }
    results.evaluators = [a for a in results.evaluators if a.label == own]
    results.partners = [a for a in results.partners if a.label == partner_name]
    results.totals = [
        (c, {k: v for k, v in row.items() if k in visible}) for c, row in results.totals
    ]
    return results


def partner_biases() -> dict[int, tuple[float, CalibrationSession]]:
    """Each partner's bias measured by the latest complete calibration session it took part
    in: the mean difference of its evaluators' scores to the reference analysts'."""
    found: dict[int, tuple[float, CalibrationSession]] = {}
    sessions = (
        CalibrationSession.objects.filter(raters__partner__isnull=False)
        .distinct()
        .order_by("-created_at")
    )
    for session in sessions[:20]:
        if not calibration_complete(session):
            continue
        _, biases = _results(session)
        for partner_id, bias in biases.items():
            if partner_id is not None and bias is not None and partner_id not in found:
                found[partner_id] = (bias, session)
    return found
