"""Calibration: blind until everyone has scored (server-side), then agreement and bias,
checked against the reference library."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest

from relais.apps.errors import RelaisError
from relais.apps.quality import services
from relais.apps.quality.calibration import calibration_results, partner_biases
from relais.apps.quality.models import CalibrationSession
from tests.apps.conftest import World, logged_in
from tests.apps.factories import UserFactory
from tests.apps.quality.fixtures import QualityWorld, all_points, quality_world


@pytest.fixture
def qw(world: World) -> QualityWorld:
    return quality_world(world)


def _session(qw: QualityWorld, second_analyst: object) -> CalibrationSession:
    return services.calibration_create(
        actor=qw.world.users["quality_analyst"],
        title="December",
        version=qw.version,
        contacts=list(qw.contacts.values()),
        raters=[
            qw.world.users["quality_analyst"],
            second_analyst,
            qw.world.users["partner_evaluator"],
        ],
    )


def _score(
    qw: QualityWorld, session: CalibrationSession, who: object, key: str, points: int
) -> None:
    services.evaluation_submit(
        actor=who,
        contact=qw.contacts[key],
        version=qw.version,
        points=all_points(qw.version, points),
        calibration=session,
    )


def test_nobody_sees_scores_before_everyone_has_scored(qw: QualityWorld) -> None:
    analyst, evaluator = qw.world.users["quality_analyst"], qw.world.users["partner_evaluator"]
    second = UserFactory(username="quality2", role="quality_analyst")
    session = _session(qw, second)
    _score(qw, session, analyst, "lille0", 3)

    for viewer in (analyst, evaluator):
        with pytest.raises(RelaisError) as hidden:
            calibration_results(viewer=viewer, session=session)
        assert hidden.value.code == "calibration_not_complete"
    page = logged_in(evaluator).get(f"/quality/calibration/{session.pk}/").content.decode()
    assert 'data-testid="results-hidden"' in page
    assert 'data-testid="totals"' not in page


def test_a_rater_scores_a_contact_once_and_outsiders_not_at_all(qw: QualityWorld) -> None:
    second = UserFactory(username="quality2", role="quality_analyst")
    session = _session(qw, second)
    _score(qw, session, second, "lille0", 3)

    with pytest.raises(RelaisError) as twice:
        _score(qw, session, second, "lille0", 2)
    with pytest.raises(RelaisError) as outsider:
        _score(qw, session, UserFactory(username="quality3", role="quality_analyst"), "lille0", 2)

    assert twice.value.code == "already_scored"
    assert outsider.value.code == "not_a_rater"


def test_once_complete_agreement_and_bias_match_the_reference(qw: QualityWorld) -> None:
    analyst, evaluator = qw.world.users["quality_analyst"], qw.world.users["partner_evaluator"]
    second = UserFactory(
        username="quality2", role="quality_analyst", first_name="Zoé", last_name="Zeller"
    )
    session = _session(qw, second)
    given = {  # rater -> contact -> points on every criterion
        analyst: {"lille0": 4, "rabat0": 2, "bucarest0": 1},
        second: {"lille0": 3, "rabat0": 2, "bucarest0": 1},
        evaluator: {"lille0": 4, "rabat0": 4, "bucarest0": 3},
    }
    for who, row in given.items():
        for key, points in row.items():
            _score(qw, session, who, key, points)

    results = calibration_results(viewer=analyst, session=session)

    criteria = [c for s in qw.version.sections.all() for c in s.criteria.all()]
    keys = ["lille0", "rabat0", "bucarest0"]
    raters = [analyst, second, evaluator]  # the reference first, as the results list them
    for criterion, agreement in zip(criteria, results.criteria, strict=True):
        data = np.array(
            [[min(given[r][k], criterion.scale_max) for k in keys] for r in raters], dtype=float
        )
        if len(np.unique(data)) > 1:
            reference = krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal")
            assert agreement.alpha == pytest.approx(reference)
        else:
            assert agreement.alpha is None
    [partner] = results.partners
    assert partner.label == "Atlas Contact"
    # the partner's scores against the mean of the two analysts, per contact
    score = {1: (3 * 25 + 100) / 4, 2: 62.5, 3: (3 * 75 + 100) / 4, 4: 100.0}
    reference_mean = [(score[4] + score[3]) / 2, score[2], score[1]]
    partner_scores = [score[4], score[4], score[3]]
    expected_bias = sum(p - r for p, r in zip(partner_scores, reference_mean, strict=True)) / 3
    assert partner.bias == pytest.approx(expected_bias)
    assert partner_biases()[qw.world.atlas.pk][0] == pytest.approx(expected_bias)
    # a partner's evaluator sees their own row and the reference, not the other partners'
    seen = calibration_results(viewer=evaluator, session=session)
    assert [a.label for a in seen.evaluators] == [evaluator.get_full_name()]
    assert all(second.get_full_name() in row for _, row in seen.totals)


def test_the_partners_bias_shows_beside_its_evaluations(qw: QualityWorld) -> None:
    analyst, evaluator = qw.world.users["quality_analyst"], qw.world.users["partner_evaluator"]
    second = UserFactory(username="quality2", role="quality_analyst")
    session = _session(qw, second)
    for who, points in ((analyst, 2), (second, 2), (evaluator, 4)):
        for key in qw.contacts:
            _score(qw, session, who, key, points)
    evaluation = services.evaluation_submit(
        actor=evaluator,
        contact=qw.contacts["rabat0"],
        version=qw.version,
        points=all_points(qw.version, 3),
    )

    page = logged_in(analyst).get(f"/quality/evaluations/{evaluation.pk}/").content.decode()

    assert 'data-testid="bias"' in page
    assert "+37,5" in page  # 100 - 62.5 on every contact


def test_a_session_needs_contacts_and_two_raters(qw: QualityWorld) -> None:
    analyst = qw.world.users["quality_analyst"]

    with pytest.raises(RelaisError) as alone:
        services.calibration_create(
            actor=analyst,
            title="Seul",
            version=qw.version,
            contacts=[qw.contacts["lille0"]],
            raters=[analyst],
        )
    with pytest.raises(RelaisError) as refused:
        services.calibration_create(
            actor=qw.world.users["partner_evaluator"],
            title="Partenaire",
            version=qw.version,
            contacts=[qw.contacts["rabat0"]],
            raters=[analyst, qw.world.users["partner_evaluator"]],
        )

    assert alone.value.code == "invalid_calibration"
    assert refused.value.code == "permission_denied"
    assert not CalibrationSession.objects.exists()
