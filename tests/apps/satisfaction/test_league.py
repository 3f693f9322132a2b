"""The league as read from the database equals the league computed answer by answer and
judgement by judgement from the definitions (core.kpi.league.league_rows over plain tallies):
the reads may group and code the rows as they like, the figures must not move."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from typing import Any

import pytest
from django.utils import timezone

from relais.apps.interactions.models import Contact, ContactState
from relais.apps.routing.models import Queue
from relais.apps.satisfaction import league as satisfaction_league
from relais.apps.satisfaction.fcr import CELL_FIELDS
from relais.apps.satisfaction.league import LEVELS, MEASURES, LeagueQuery, league
from relais.apps.satisfaction.models import (
    FcrCell,
    FcrJudgement,
    FcrOutcome,
    SurveyAnswer,
    SurveyInvitation,
    WaitBand,
)
from relais.core.kpi.comparison import Tally
from relais.core.kpi.league import LeagueRow, league_rows, nps_score
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue
from tests.apps.satisfaction.making import policy

pytestmark = pytest.mark.django_db

REASONS = ("delivery", "invoice", "refund")
MIN_N = 5
_FIELD = {
    "partner": "partner_id",
    "site": "site_id",
    "site_kind": "site_kind",
    "team": "team_id",
    "agent": "agent_id",
}


def _year(world: World, queue: Queue, *, contacts: int, answers: int) -> None:
    """Contacts of the world's agents (and a few of nobody's), answered and judged at random."""
    rng = random.Random(7)
    now = timezone.now()
    agents = list(world.agents.values())
    bands = [band.value for band in WaitBand]
    made = Contact.objects.bulk_create(
        Contact(
            channel=queue.channel,
            queue=queue,
            priority=0,
            created_at=now - dt.timedelta(days=rng.uniform(1, 60)),
            state=ContactState.CLOSED,
        )
        for _ in range(contacts)
    )
    survey = policy(queue)
    invitations, judgements = [], []
    cells: dict[tuple[Any, ...], FcrCell] = {}
    for index, contact in enumerate(made):
        agent = rng.choice(agents) if rng.random() < 0.95 else None
        attribution: dict[str, Any] = {
            "agent": agent,
            "team_id": agent.team_id if agent else None,
            "site_id": agent.site_id if agent else None,
            "site_kind": agent.site.kind if agent else "",
            "partner_id": agent.site.partner_id if agent else None,
            "queue": queue,
            "reason": rng.choice(REASONS),
            "wait_band": rng.choice(bands),
        }
        key = tuple(_attribute(attribution, name) for name in CELL_FIELDS)
        if key not in cells:
            cells[key] = FcrCell(code=len(cells) + 1, **dict(zip(CELL_FIELDS, key, strict=True)))
        judgements.append(
            FcrJudgement(
                contact=contact,
                cell=cells[key],
                arrived_at=contact.created_at,
                outcome=rng.choice(list(FcrOutcome)),
                **attribution,
            )
        )
        if index < answers:
            invitations.append(
                SurveyInvitation(
                    contact=contact,
                    policy=survey,
                    delivery="link",
                    sent_at=contact.created_at,
                    expires_at=contact.created_at + dt.timedelta(hours=72),
                    **attribution,
                )
            )
    FcrCell.objects.bulk_create(cells.values())
    FcrJudgement.objects.bulk_create(judgements)
    SurveyInvitation.objects.bulk_create(invitations)

    def maybe(value: Any) -> Any:
        return None if rng.random() < 0.1 else value

    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(
            invitation=invitation,
            answered_at=invitation.sent_at + dt.timedelta(hours=1),
            agent_csat=maybe(rng.randint(1, 5)),
            company_csat=maybe(rng.randint(1, 5)),
            nps=maybe(rng.randint(0, 10)),
            resolved=maybe(rng.random() < 0.7),
        )
        for invitation in SurveyInvitation.objects.all()
    )


def _attribute(attribution: dict[str, Any], name: str) -> Any:
    if name in attribution:
        return attribution[name]
    related = attribution[name.removesuffix("_id")]
    return None if related is None else related.pk


def _scores() -> list[tuple[dict[str, Any], dict[str, Tally]]]:
    """Each answer and each judgement: its attribution and stratum, and what it adds to each
    measure (the definitions: top-2-box 4-5, NPS +1/0/-1, FCR over resolved and repeats)."""
    keys = [*_FIELD.values(), "queue_id", "reason", "wait_band"]
    found = []
    for answer in SurveyAnswer.objects.select_related("invitation"):
        where = {key: getattr(answer.invitation, key) for key in keys}
        adds: dict[str, Tally] = {}
        if answer.agent_csat is not None:
            adds["agent_csat"] = Tally(
                1, float(answer.agent_csat >= 4), float(answer.agent_csat >= 4)
            )
        if answer.company_csat is not None:
            ok = float(answer.company_csat >= 4)
            adds["company_csat"] = Tally(1, ok, ok)
        if answer.nps is not None:
            score = nps_score(answer.nps)
            adds["nps"] = Tally(1, float(score), float(score * score))
        if answer.resolved is not None:
            adds["resolved"] = Tally(1, float(answer.resolved), float(answer.resolved))
        found.append((where, adds))
    for judgement in FcrJudgement.objects.all():
        where = {key: getattr(judgement, key) for key in keys}
        if judgement.outcome in (FcrOutcome.RESOLVED, FcrOutcome.REPEAT):
            ok = float(judgement.outcome == FcrOutcome.RESOLVED)
            found.append((where, {"fcr": Tally(1, ok, ok)}))
    return found


def _reference(
    scores: list[tuple[dict[str, Any], dict[str, Tally]]], level: str, measure: str
) -> list[LeagueRow[Any]]:
    everyone: dict[tuple[str, tuple[Any, ...]], Tally] = defaultdict(Tally)
    cells: dict[tuple[Any, tuple[Any, ...]], Tally] = defaultdict(Tally)
    for where, adds in scores:
        if measure not in adds:
            continue
        stratum = (where["queue_id"], where["reason"], where["wait_band"])
        everyone["", stratum] += adds[measure]
        group = where[_FIELD[level]]
        if group is not None:  # an unattributed contact has site kind "", listed as such
            cells[group, stratum] += adds[measure]
    whole = sum(t.n for t in everyone.values())
    weights = {stratum: t.n / whole for (_, stratum), t in everyone.items()}
    return league_rows(cells, measure=MEASURES[measure], min_n=MIN_N, weights=weights)


def _comparable(rows: list[LeagueRow[Any]]) -> dict[Any, tuple[Any, ...]]:
    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 9)

    return {
        row.group: (
            row.n,
            rounded(row.value),
            rounded(row.low),
            rounded(row.high),
            rounded(row.standardised),
            row.enough,
            set(row.higher_than),
            set(row.lower_than),
            row.versus_rest,
        )
        for row in rows
    }


def test_every_level_and_measure_equals_the_definition(world: World) -> None:
    # given 1,200 judged contacts of the world's agents (some of nobody's), 500 answered
    queue = orders_queue(world)
    _year(world, queue, contacts=1200, answers=500)
    now = timezone.localdate()
    query = LeagueQuery(start=now - dt.timedelta(days=90), end=now, level="agent", min_n=MIN_N)
    # when the director's league is built at every level
    found = league(viewer=world.users["director"], query=query, all_levels=True)
    # then every table equals the one computed answer by answer from the definitions
    scores = _scores()
    for level in LEVELS:
        for measure in MEASURES:
            table = found.tables[f"{level}:{measure}"]
            assert _comparable(table.rows) == _comparable(_reference(scores, level, measure)), (
                level,
                measure,
            )
            assert [r.enough for r in table.rows].count(True) >= 2, (level, measure, table.rows)
    # and the coverage beside FCR counts every judgement of the agents
    outcomes = [
        (agent, outcome)
        for agent, outcome in FcrJudgement.objects.values_list("agent_id", "outcome")
    ]
    for agent, coverage in found.coverage.items():
        mine = [outcome for who, outcome in outcomes if who == agent]
        assert coverage.handled == len(mine)
        assert coverage.pending == mine.count(FcrOutcome.PENDING)
        assert coverage.identified == len(mine) - mine.count(FcrOutcome.UNIDENTIFIED)
    # and the reason mix of everyone adds up each reason's judgements
    reasons = list(FcrJudgement.objects.values_list("reason", flat=True))
    assert found.reason_mix[""] == pytest.approx(
        {reason: reasons.count(reason) / len(reasons) for reason in REASONS}
    )


def test_the_hand_written_reads_equal_their_orm_equivalents(world: World) -> None:
    # given judged and answered contacts
    queue = orders_queue(world)
    _year(world, queue, contacts=300, answers=120)
    start, end = timezone.now() - dt.timedelta(days=90), timezone.now()
    keys = [*satisfaction_league._GROUP_FIELDS, *satisfaction_league._STRATUM_FIELDS]
    # when the league reads them, then it finds what the ORM groups by the eight columns
    judged = (
        FcrJudgement.objects.filter(arrived_at__gte=start, arrived_at__lt=end)
        .order_by()
        .values(*keys)
        .annotate(**satisfaction_league._FCR_COUNTS)
        .values_list(*keys, *satisfaction_league._FCR_COUNTS)
    )
    assert Counter(satisfaction_league.fcr_rows(start, end)) == Counter(judged)
    answered = ["invitation__" + key for key in keys]
    answers = (
        SurveyAnswer.objects.filter(answered_at__gte=start, answered_at__lt=end)
        .order_by()
        .values(*answered)
        .annotate(**satisfaction_league._ANSWER_COUNTS)
        .values_list(*answered, *satisfaction_league._ANSWER_COUNTS)
    )
    assert Counter(satisfaction_league.answer_rows(start, end)) == Counter(answers)
    assert len(judged) > 20
