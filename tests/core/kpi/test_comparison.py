"""The comparison statistics against the reference implementations (statsmodels)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats import proportion as sm_proportion
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from relais.core.kpi.comparison import (
    Tally,
    compare_pairs,
    holm_rejections,
    mean_interval,
    nps_interval,
    p_value_of,
    reference_weights,
    standardise,
    wilson_interval,
)
from relais.core.kpi.league import Measure, league_rows, nps_score
from relais.core.kpi.quality import FcrTracker, repeat_ref


@given(
    st.integers(min_value=1, max_value=5000).flatmap(
        lambda n: st.tuples(st.integers(0, n), st.just(n))
    )
)
def test_wilson_bounds_match_statsmodels(case: tuple[int, int]) -> None:
    successes, n = case
    low, high = wilson_interval(successes, n)  # type: ignore[misc]
    ref_low, ref_high = proportion_confint(successes, n, alpha=0.05, method="wilson")
    assert low == pytest.approx(ref_low, abs=1e-9)
    assert high == pytest.approx(ref_high, abs=1e-9)


def test_wilson_without_observations_is_none() -> None:
    assert wilson_interval(0, 0) is None


@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=40))
def test_holm_decisions_match_statsmodels(p_values: list[float]) -> None:
    reference, *_ = multipletests(p_values, alpha=0.05, method="holm")
    assert holm_rejections(p_values) == [bool(r) for r in reference]


def test_pair_p_value_matches_statsmodels_wald_test() -> None:
    # given two groups with one stratum each (standardisation changes nothing)
    a = Tally.of([1] * 170 + [0] * 30)
    b = Tally.of([1] * 150 + [0] * 50)
    groups = {"a": standardise({"s": a}, {"s": 1.0}), "b": standardise({"s": b}, {"s": 1.0})}
    # when compared
    (pair,) = compare_pairs({k: v for k, v in groups.items() if v is not None})
    # then the p-value is the unpooled (Wald) two-proportion z-test's
    reference = sm_proportion.test_proportions_2indep(
        170, 200, 150, 200, method="wald", compare="diff"
    )
    assert pair.p_value == pytest.approx(reference.pvalue, rel=1e-9)
    assert pair.significant


def test_mean_interval_is_the_normal_interval_from_sums_and_squares() -> None:
    waits = [10.0, 20.0, 60.0]  # mean 30, sample variance (400 + 100 + 900) / 2 = 700

    low, high = mean_interval(Tally.of(waits)) or (0.0, 0.0)

    half = 1.959963984540054 * math.sqrt(700 / 3)
    assert (low, high) == pytest.approx((30 - half, 30 + half))
    assert mean_interval(Tally.of([42.0])) is None


def test_nps_interval_is_the_trinomial_normal_interval() -> None:
    # given 50 promoters, 30 passives, 20 detractors
    scores = [1] * 50 + [0] * 30 + [-1] * 20
    mean = sum(scores) / 100
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / 100)
    # then NPS 30 +- 1.96 sd / sqrt(n)
    low, high = nps_interval(50, 20, 100)  # type: ignore[misc]
    assert (low, high) == pytest.approx(
        (100 * (mean - 1.96 * sd / 10), 100 * (mean + 1.96 * sd / 10)), abs=0.01
    )


def test_direct_standardisation_reweights_to_the_common_mix() -> None:
    # given a partner who took the long waiters (who are less satisfied) and an inshore site
    # equally good in each waiting band
    inshore = {"short": Tally.of([1] * 90 + [0] * 10), "long": Tally.of([1] * 6 + [0] * 4)}
    overflow = {"short": Tally.of([1] * 9 + [0] * 1), "long": Tally.of([1] * 60 + [0] * 40)}
    mix = reference_weights(
        {"short": inshore["short"] + overflow["short"], "long": inshore["long"] + overflow["long"]}
    )
    # when both are standardised to the common mix
    a, b = standardise(inshore, mix), standardise(overflow, mix)
    # then the raw gap (0.87 vs 0.63) disappears
    assert a is not None
    assert b is not None
    assert a.mean == pytest.approx(b.mean)
    assert a.mean == pytest.approx(0.5 * 0.9 + 0.5 * 0.6)


def test_league_marks_only_differences_that_survive_holm() -> None:
    # given three agents: two alike, one clearly worse; and one with too few answers
    cells = {
        ("ana", "q"): Tally.of([1] * 180 + [0] * 20),
        ("bob", "q"): Tally.of([1] * 178 + [0] * 22),
        ("cyd", "q"): Tally.of([1] * 120 + [0] * 80),
        ("dan", "q"): Tally.of([1] * 5),
    }
    rows = {r.group: r for r in league_rows(cells, measure=Measure.PROPORTION, min_n=30)}
    assert set(rows["ana"].higher_than) == {"cyd"}
    assert set(rows["cyd"].lower_than) == {"ana", "bob"}
    assert "bob" not in rows["ana"].higher_than
    assert not rows["dan"].enough
    assert rows["dan"].low is None
    low, high = proportion_confint(180, 200, method="wilson")
    assert (rows["ana"].low, rows["ana"].high) == pytest.approx((low, high))


def test_nps_league_value_and_interval() -> None:
    answers = [10] * 50 + [8] * 30 + [3] * 20
    rows = league_rows({("p", "q"): Tally.of(nps_score(a) for a in answers)}, measure=Measure.NPS)
    assert rows[0].value == pytest.approx(30.0)
    assert (rows[0].low, rows[0].high) == pytest.approx(nps_interval(50, 20, 100))


def test_a_repeat_is_the_same_customer_about_the_same_thing() -> None:
    tracker: FcrTracker[str] = FcrTracker(7 * 86400)
    tracker.note(repeat_ref("email:a@x.fr", "order:1"), 0.0, True, "atlas")  # type: ignore[arg-type]
    tracker.note(repeat_ref("email:a@x.fr", "order:1"), 3600.0, True, "carpathia")  # type: ignore[arg-type]
    tracker.note(repeat_ref("email:a@x.fr", "order:2"), 7200.0, True, "atlas")  # type: ignore[arg-type]
    outcomes = sorted(tracker.outcomes(as_of=None))
    # the repeat about order 1, handled by Carpathia, is charged to Atlas who took the first
    assert outcomes == [("atlas", False), ("atlas", True), ("carpathia", True)]
    assert repeat_ref("", "order:1") is None


def test_with_many_groups_each_is_compared_with_all_the_others() -> None:
    # given 20 agents alike and one clearly worse
    cells = {(f"a{i}", "q"): Tally.of([1] * 90 + [0] * 10) for i in range(20)}
    cells[("bad", "q")] = Tally.of([1] * 50 + [0] * 50)
    rows = {r.group: r for r in league_rows(cells, measure=Measure.PROPORTION)}
    # then only the worse one is marked, against the rest, and no pair is listed
    assert rows["bad"].versus_rest == -1
    assert {r.versus_rest for g, r in rows.items() if g != "bad"} == {0}
    assert all(not r.higher_than and not r.lower_than for r in rows.values())


def _reference_versus_rest(
    cells: dict[tuple[str, str], Tally], mix: dict[str, float], min_n: int
) -> dict[str, int]:
    """Each group against the rest, one stratum at a time (the definition, without arrays)."""
    by_group: dict[str, dict[str, Tally]] = {}
    by_stratum: dict[str, Tally] = {}
    for (group, stratum), tally in cells.items():
        by_group.setdefault(group, {})[stratum] = tally
        by_stratum[stratum] = by_stratum.get(stratum, Tally()) + tally
    tested = []
    for group, strata in by_group.items():
        if sum(t.n for t in strata.values()) < min_n:
            continue
        own = standardise(strata, mix)
        rest = {s: total - strata.get(s, Tally()) for s, total in by_stratum.items()}
        others = standardise(rest, mix)
        if own is not None and others is not None:
            tested.append((group, own.mean - others.mean, p_value_of(own, others)))
    decisions = holm_rejections([p for _, _, p in tested])
    return {g: (1 if d > 0 else -1) for (g, d, _), ok in zip(tested, decisions, strict=True) if ok}


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.sampled_from([f"a{i}" for i in range(25)]), st.sampled_from("pqrst")),
        st.tuples(st.integers(0, 60), st.integers(0, 60)),
        min_size=14,
        max_size=120,
    )
)
def test_the_array_league_is_the_definition_cell_by_cell(
    counts: dict[tuple[str, str], tuple[int, int]],
) -> None:
    # given tallies of agents over strata (ones and zeros), some groups with too few answers
    cells = {key: Tally.of([1] * ok + [0] * ko) for key, (ok, ko) in counts.items()}
    mix = reference_weights(
        {s: sum((t for (_, s2), t in cells.items() if s2 == s), Tally()) for _, s in cells}
    )
    # when ranked with the arrays, each against the rest
    rows = {
        r.group: r
        for r in league_rows(cells, measure=Measure.PROPORTION, min_n=20, max_pairs_groups=0)
    }
    # then each group's standardised mean and its decision are those of the definition
    for group in {g for g, _ in cells}:
        strata = {s: t for (g, s), t in cells.items() if g == group}
        n = sum(t.n for t in strata.values())
        assert rows[group].n == n
        adjusted = standardise(strata, mix) if n >= 20 else None
        if adjusted is None:
            assert rows[group].standardised is None
        else:
            assert rows[group].standardised == pytest.approx(adjusted.mean, abs=1e-9)
    expected = _reference_versus_rest(cells, mix, 20)
    assert {g: r.versus_rest for g, r in rows.items() if r.versus_rest} == expected
