"""Forms, evaluations, disputes and coaching: the services and their audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from relais.apps.audit.models import AuditEntry
from relais.apps.errors import RelaisError
from relais.apps.quality import selectors, services
from relais.apps.quality.models import DisputeStatus, Evaluation
from relais.apps.quality.services import CriterionDefinition, SectionDefinition
from tests.apps.conftest import World
from tests.apps.quality.fixtures import CARD_LINE, QualityWorld, all_points, quality_world


@pytest.fixture
def qw(world: World) -> QualityWorld:
    return quality_world(world)


def _submit(qw: QualityWorld, key: str, points: int, by: str = "quality_analyst") -> Evaluation:
    return services.evaluation_submit(
        actor=qw.world.users[by],
        contact=qw.contacts[key],
        version=qw.version,
        points=all_points(qw.version, points),
    )


def test_an_evaluation_is_scored_weighted_and_audited(qw: QualityWorld) -> None:
    evaluation = _submit(qw, "rabat0", 2)

    # Conversation (2 * 0.5 + 1 * 0.5) / 3 = 50 %, weight 3; Compliance 1/1 = 100 %, weight 1
    assert evaluation.score == pytest.approx((3 * 50 + 100) / 4)
    assert not evaluation.critical_failed
    assert evaluation.agent == qw.world.agents["rabat0"]
    entry = AuditEntry.objects.get(action="quality.evaluation.submit")
    assert entry.object_id == str(evaluation.pk)
    assert entry.changes["score"] == pytest.approx(62.5)


def test_a_failed_critical_item_scores_zero(qw: QualityWorld) -> None:
    points = all_points(qw.version, 4)
    critical = next(c for s in qw.version.sections.all() for c in s.criteria.all() if c.critical)
    points[critical.pk] = 0

    evaluation = services.evaluation_submit(
        actor=qw.world.users["quality_analyst"],
        contact=qw.contacts["lille0"],
        version=qw.version,
        points=points,
    )

    assert evaluation.score == 0.0
    assert evaluation.critical_failed


def test_invalid_points_are_refused_and_nothing_is_written(qw: QualityWorld) -> None:
    points = all_points(qw.version, 4)
    points[next(iter(points))] = 9

    with pytest.raises(RelaisError) as refused:
        services.evaluation_submit(
            actor=qw.world.users["quality_analyst"],
            contact=qw.contacts["lille0"],
            version=qw.version,
            points=points,
        )

    assert refused.value.code == "invalid_scores"
    assert not Evaluation.objects.exists()


def test_a_new_form_version_leaves_earlier_evaluations_on_theirs(qw: QualityWorld) -> None:
    first = _submit(qw, "rabat0", 4)

    second = services.form_version_create(
        actor=qw.world.users["quality_analyst"],
        name="Chat scorecard",
        sections=[
            SectionDefinition(
                "Only", 1, [CriterionDefinition("Rephrasing", soft_skill="rephrasing")]
            )
        ],
    )

    assert second.number == 2
    assert selectors.form_latest_version(second.form).pk == second.pk
    first.refresh_from_db()
    assert first.form_version_id == qw.version.pk
    assert first.scores.count() == 3


def test_only_analysts_write_forms(qw: QualityWorld) -> None:
    for role in ("partner_evaluator", "director", "agent"):
        with pytest.raises(RelaisError):
            services.form_version_create(actor=qw.world.users[role], name="x", sections=[])


def test_the_transcript_is_masked_for_the_evaluator_and_anonymised_in_calibration(
    qw: QualityWorld,
) -> None:
    contact = qw.contacts["rabat0"]
    analyst = qw.world.users["quality_analyst"]

    shown = selectors.transcript(viewer=analyst, contact=contact)
    with translation.override("en"):
        blind = selectors.transcript(viewer=analyst, contact=contact, anonymised=True)

    assert "4111" not in shown.messages[0].body  # cards are masked for everyone
    assert shown.messages[0].body != CARD_LINE
    assert shown.messages[1].author == qw.world.agents["rabat0"].user.first_name
    assert {m.author for m in blind.messages} == {"Customer", "Agent"}  # nobody named
    assert "4111" not in blind.messages[0].body


def test_an_agent_contests_and_an_analyst_confirms(qw: QualityWorld) -> None:
    evaluation = _submit(qw, "rabat0", 2)
    agent = qw.world.users["agent"]  # rabat0

    with pytest.raises(RelaisError) as not_theirs:
        services.dispute_open(actor=qw.world.users["supervisor"], evaluation=evaluation, reason="x")
    dispute = services.dispute_open(
        actor=agent, evaluation=evaluation, reason="The customer was happy"
    )
    with pytest.raises(RelaisError) as twice:
        services.dispute_open(actor=agent, evaluation=evaluation, reason="again")
    with pytest.raises(RelaisError):
        services.dispute_confirm(
            actor=qw.world.users["partner_evaluator"], evaluation=evaluation, decision="ok"
        )
    services.dispute_confirm(
        actor=qw.world.users["quality_analyst"], evaluation=evaluation, decision="Fair score"
    )

    assert not_theirs.value.code == "not_evaluated_agent"
    assert twice.value.code == "dispute_exists"
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.CONFIRMED
    assert list(
        AuditEntry.objects.filter(action__startswith="quality.dispute")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "quality.dispute.open",
        "quality.dispute.confirm",
    ]


def test_a_rescore_replaces_the_points_and_keeps_the_old_ones_in_the_audit(
    qw: QualityWorld,
) -> None:
    evaluation = _submit(qw, "rabat0", 1)
    services.dispute_open(actor=qw.world.users["agent"], evaluation=evaluation, reason="Unfair")

    services.dispute_rescore(
        actor=qw.world.users["quality_analyst"],
        evaluation=evaluation,
        points=all_points(qw.version, 4),
        decision="Agreed",
    )

    evaluation.refresh_from_db()
    assert evaluation.score == pytest.approx(100.0)
    assert evaluation.dispute.status == DisputeStatus.RESCORED
    assert evaluation.dispute.score_before == pytest.approx((3 * 25 + 100) / 4)
    entry = AuditEntry.objects.get(action="quality.dispute.rescore")
    assert set(entry.changes["points_before"].values()) == {1}
    with pytest.raises(RelaisError) as closed:
        services.dispute_confirm(
            actor=qw.world.users["quality_analyst"], evaluation=evaluation, decision="x"
        )
    assert closed.value.code == "dispute_closed"


def test_a_coaching_plan_has_sessions_and_a_later_follow_up(qw: QualityWorld) -> None:
    first = _submit(qw, "rabat0", 1, by="partner_evaluator")
    coach = qw.world.users["partner_evaluator"]
    plan = services.coaching_plan_create(
        actor=coach, evaluation=first, goals="Rephrase before answering"
    )
    services.coaching_session_add(
        actor=coach, plan=plan, held_on=dt.date(2026, 12, 1), notes="Role play"
    )
    later = _submit(qw, "rabat0", 4, by="partner_evaluator")
    Evaluation.objects.filter(pk=later.pk).update(
        submitted_at=timezone.now() + dt.timedelta(minutes=1)
    )
    later.refresh_from_db()
    other_agent = _submit(qw, "lille0", 4)

    with pytest.raises(RelaisError) as not_theirs:
        services.coaching_follow_up_set(actor=coach, plan=plan, evaluation=other_agent)
    assert not_theirs.value.code == "invalid_follow_up"
    services.coaching_follow_up_set(actor=coach, plan=plan, evaluation=later)

    plan.refresh_from_db()
    assert plan.follow_up == later
    assert plan.sessions.count() == 1
    assert AuditEntry.objects.filter(action__startswith="quality.coaching").count() == 3


def test_the_trend_is_the_mean_score_per_month(qw: QualityWorld) -> None:
    for points, month in ((4, 10), (2, 10), (3, 11)):
        made = _submit(qw, "rabat0", points)
        Evaluation.objects.filter(pk=made.pk).update(
            submitted_at=dt.datetime(2026, month, 5, tzinfo=dt.UTC)
        )

    trend = selectors.agent_trend(list(Evaluation.objects.all()))

    assert [(p.month.month, p.count) for p in trend] == [(10, 2), (11, 1)]
    assert trend[0].score == pytest.approx((100 + 62.5) / 2)
