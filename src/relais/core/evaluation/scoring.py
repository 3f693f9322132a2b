"""The score of an evaluation from its criteria's points.

Each criterion is scored 0..`scale_max` points, or "not applicable" (None), which takes it out
of the weighting: its section is weighed over the criteria that apply, and a section where
nothing applies is left out of the total. The total is the weighted mean of the sections'
shares, as a percentage (0-100). A critical criterion scored 0 fails the whole evaluation: its
score is 0 whatever the rest (the customer was given wrong information, data was disclosed…).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CriterionRule:
    criterion_id: int
    section_id: int
    weight: float
    scale_max: int
    critical: bool = False
    allows_not_applicable: bool = True


@dataclass(frozen=True, slots=True)
class Scorecard:
    """The outcome: the score (None when nothing applied), whether a critical item failed it,
    and each section's share (0-100, None where nothing applied)."""

    score: float | None
    critical_failed: bool
    sections: Mapping[int, float | None]


def _check(rule: CriterionRule, points: int | None) -> None:
    if points is None:
        if not rule.allows_not_applicable:
            raise ValueError(f"criterion {rule.criterion_id} must be scored")
        return
    if not 0 <= points <= rule.scale_max:
        raise ValueError(f"criterion {rule.criterion_id}: {points} is outside 0-{rule.scale_max}")


def score_evaluation(
    rules: Sequence[CriterionRule],
    section_weights: Mapping[int, float],
    points: Mapping[int, int | None],
) -> Scorecard:
    """Score `points` (criterion id -> points, None for not applicable) against the form's
    `rules`; every criterion of the form must be given (ValueError otherwise)."""
    missing = {rule.criterion_id for rule in rules} - set(points)
    if missing:
        raise ValueError(f"criteria without a score: {sorted(missing)}")
    weighted: dict[int, float] = {}
    weights: dict[int, float] = {}
    critical_failed = False
    for rule in rules:
        given = points[rule.criterion_id]
        _check(rule, given)
        if given is None:
            continue
        critical_failed |= rule.critical and given == 0
        weighted[rule.section_id] = (
            weighted.get(rule.section_id, 0.0) + rule.weight * given / rule.scale_max
        )
        weights[rule.section_id] = weights.get(rule.section_id, 0.0) + rule.weight
    sections: dict[int, float | None] = {}
    for section_id in section_weights:
        total = weights.get(section_id, 0.0)
        sections[section_id] = 100.0 * weighted[section_id] / total if total > 0 else None
    applying = {
        s: share for s, share in sections.items() if share is not None and section_weights[s] > 0
    }
    if not applying:
        return Scorecard(None, critical_failed, sections)
    total_weight = sum(section_weights[s] for s in applying)
    score = sum(section_weights[s] * share for s, share in applying.items()) / total_weight
    return Scorecard(0.0 if critical_failed else score, critical_failed, sections)
