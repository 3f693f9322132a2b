"""Krippendorff's alpha against the reference implementation (the `krippendorff` package)."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relais.core.evaluation import Level, krippendorff_alpha, mean_difference

#: Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the worked example:
#: 4 observers, 12 units, values 1-5, missing scores.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def _reference(ratings: list[list[int | None]], level: Level) -> float:
    data = np.array([[np.nan if v is None else v for v in row] for row in ratings], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement=level.value))


@pytest.mark.parametrize(
    ("level", "published"),
    [(Level.NOMINAL, 0.743), (Level.ORDINAL, 0.815), (Level.INTERVAL, 0.849)],
)
def test_the_worked_example_gives_the_published_alphas(level: Level, published: float) -> None:
    alpha = krippendorff_alpha(KRIPPENDORFF_2011, level)

    assert alpha == pytest.approx(published, abs=5e-4)
    assert alpha == pytest.approx(_reference(KRIPPENDORFF_2011, level), abs=1e-12)


ratings = st.integers(min_value=2, max_value=5).flatmap(
    lambda raters: st.integers(min_value=2, max_value=12).flatmap(
        lambda units: st.lists(
            st.lists(
                st.one_of(st.none(), st.integers(min_value=0, max_value=4)),
                min_size=units,
                max_size=units,
            ),
            min_size=raters,
            max_size=raters,
        )
    )
)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the library divides 0 by 0
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ratings=ratings, level=st.sampled_from(list(Level)))
def test_alpha_matches_the_reference_library(ratings: list[list[int | None]], level: Level) -> None:
    ours = krippendorff_alpha(ratings, level)

    try:
        theirs = _reference(ratings, level)
    except ValueError:  # the library refuses fewer than two distinct values
        theirs = float("nan")
    if ours is None:  # undefined: no pairable score differs from another
        assert _no_variation_among_pairable(ratings)
        assert not np.isfinite(theirs)
    else:
        assert ours == pytest.approx(theirs, abs=1e-9)


def _no_variation_among_pairable(ratings: list[list[int | None]]) -> bool:
    values = {
        v
        for unit in zip(*ratings, strict=True)
        if sum(x is not None for x in unit) >= 2
        for v in unit
        if v is not None
    }
    return len(values) <= 1


def test_perfect_agreement_is_one_and_no_variation_is_undefined() -> None:
    assert krippendorff_alpha([[0, 1, 2, 3], [0, 1, 2, 3]], Level.ORDINAL) == pytest.approx(1.0)
    assert krippendorff_alpha([[2, 2, 2], [2, 2, 2]], Level.INTERVAL) is None
    assert krippendorff_alpha([[1, None], [None, 2]], Level.INTERVAL) is None


def test_bias_is_the_mean_difference_on_common_units() -> None:
    assert mean_difference([80, 90, None, 70], [70, 85, 60, None]) == pytest.approx(7.5)
    assert mean_difference([None], [50]) is None
