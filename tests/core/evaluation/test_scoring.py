"""The weighted score: sections, weights, not applicable, critical items."""

from __future__ import annotations

import pytest

from relais.core.evaluation import CriterionRule, score_evaluation

RULES = [
    CriterionRule(1, section_id=10, weight=2, scale_max=4),
    CriterionRule(2, section_id=10, weight=1, scale_max=4),
    CriterionRule(3, section_id=20, weight=1, scale_max=4),
    CriterionRule(
        4, section_id=20, weight=1, scale_max=1, critical=True, allows_not_applicable=False
    ),
]
SECTIONS = {10: 3.0, 20: 1.0}


def test_the_score_is_the_weighted_mean_of_the_sections() -> None:
    card = score_evaluation(RULES, SECTIONS, {1: 4, 2: 2, 3: 2, 4: 1})

    # section 10: (2*1 + 1*0.5) / 3 = 83.3 %; section 20: (0.5 + 1) / 2 = 75 %
    assert card.sections[10] == pytest.approx(250 / 3)
    assert card.sections[20] == pytest.approx(75.0)
    assert card.score == pytest.approx((3 * 250 / 3 + 75) / 4)
    assert not card.critical_failed


def test_not_applicable_leaves_the_criterion_out_of_the_weighting() -> None:
    card = score_evaluation(RULES, SECTIONS, {1: None, 2: 2, 3: None, 4: 1})

    assert card.sections[10] == pytest.approx(50.0)
    assert card.sections[20] == pytest.approx(100.0)
    assert card.score == pytest.approx((3 * 50 + 100) / 4)


def test_a_section_where_nothing_applies_is_left_out() -> None:
    rules = [CriterionRule(1, 10, 1, 4), CriterionRule(2, 20, 1, 4)]

    card = score_evaluation(rules, {10: 1.0, 20: 1.0}, {1: None, 2: 3})

    assert card.sections[10] is None
    assert card.score == pytest.approx(75.0)
    assert score_evaluation(rules, {10: 1.0, 20: 1.0}, {1: None, 2: None}).score is None


def test_a_failed_critical_item_fails_the_whole_evaluation() -> None:
    card = score_evaluation(RULES, SECTIONS, {1: 4, 2: 4, 3: 4, 4: 0})

    assert card.critical_failed
    assert card.score == 0.0
    assert card.sections[10] == pytest.approx(100.0)


@pytest.mark.parametrize(
    "points",
    [{1: 5, 2: 2, 3: 2, 4: 1}, {1: -1, 2: 2, 3: 2, 4: 1}, {1: 4, 2: 2, 3: 2, 4: None}, {1: 4}],
)
def test_points_outside_the_scale_or_missing_are_refused(points: dict[int, int | None]) -> None:
    with pytest.raises(ValueError, match="criteri"):
        score_evaluation(RULES, SECTIONS, points)
