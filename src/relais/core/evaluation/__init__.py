"""Quality evaluation, pure: the weighted score of a scorecard, the agreement between raters
(Krippendorff's alpha) and a rater's bias, and drawing a reproducible sample of contacts
(docs/quality.md)."""

from relais.core.evaluation.agreement import Level, krippendorff_alpha, mean_difference
from relais.core.evaluation.sampling import SampleCandidate, draw_sample
from relais.core.evaluation.scoring import CriterionRule, Scorecard, score_evaluation

__all__ = [
    "CriterionRule",
    "Level",
    "SampleCandidate",
    "Scorecard",
    "draw_sample",
    "krippendorff_alpha",
    "mean_difference",
    "score_evaluation",
]
