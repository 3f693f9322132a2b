"""Survey invitations and answers: sampling, quiet period, attribution, answered once, expiry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from relais.apps.audit.models import AuditEntry
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import ContactEvent, EventKind
from relais.apps.routing.models import Queue
from relais.apps.satisfaction import selectors, services
from relais.apps.satisfaction.errors import ErrorCode
from relais.apps.satisfaction.models import Attribution, Delivery, SurveyAnswer
from relais.apps.satisfaction.schemas import AnswerIn
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue
from tests.apps.satisfaction.making import handled, policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(world: World) -> Queue:
    return orders_queue(world)


def test_an_answer_is_stored_once_and_a_replay_answers_nothing(world: World, queue: Queue) -> None:
    # given an invitation after a contact handled by rabat0
    policy(queue)
    now = timezone.now()
    contact = handled(queue, [world.agents["rabat0"]], at=now - dt.timedelta(minutes=10))
    invitation = services.survey_invite(contact=contact, delivery=Delivery.LINK, now=now)
    assert invitation is not None
    token = selectors.survey_token(invitation)
    # when the customer answers, then replays the same link with other scores
    services.survey_answer(
        invitation=selectors.invitation_for_token(token),
        answer=AnswerIn(agent_csat=5, nps=9, resolved=True),
        now=now,
    )
    with pytest.raises(RelaisError) as replayed:
        services.survey_answer(
            invitation=selectors.invitation_for_token(token),
            answer=AnswerIn(agent_csat=1, nps=0),
            now=now,
        )
    # then the first answer alone is kept, with one event and one audit entry
    assert replayed.value.code is ErrorCode.SURVEY_ALREADY_ANSWERED
    assert list(SurveyAnswer.objects.values_list("agent_csat", "nps")) == [(5, 9)]
    events = ContactEvent.objects.filter(kind=EventKind.SURVEY_ANSWERED)
    assert [(e.contact_id, e.agent_id, e.data["agent_csat"]) for e in events] == [
        (contact.pk, world.agents["rabat0"].pk, 5)
    ]
    assert AuditEntry.objects.filter(action="survey.answered").count() == 1


def test_a_late_answer_is_refused_clearly(world: World, queue: Queue) -> None:
    # given a link valid 72 hours
    policy(queue, link_valid_hours=72)
    sent = timezone.now() - dt.timedelta(days=4)
    contact = handled(queue, [world.agents["lille0"]], at=sent - dt.timedelta(minutes=10))
    invitation = services.survey_invite(contact=contact, delivery=Delivery.LINK, now=sent)
    assert invitation is not None
    # when answered four days later
    with pytest.raises(RelaisError) as late:
        services.survey_answer(invitation=invitation, answer=AnswerIn(agent_csat=4))
    # then it is refused as expired (410), in the customer's language, and nothing is stored
    assert late.value.code is ErrorCode.SURVEY_EXPIRED
    assert late.value.status == 410
    with translation.override("fr"):
        assert "n’est plus" in late.value.message or "plus accept" in late.value.message
    assert not SurveyAnswer.objects.exists()


def test_a_forged_or_damaged_link_is_not_found() -> None:
    with pytest.raises(RelaisError) as forged:
        selectors.invitation_for_token("1:forged")
    assert forged.value.code is ErrorCode.SURVEY_NOT_FOUND


def test_no_second_survey_to_the_same_customer_within_the_quiet_period(
    world: World, queue: Queue
) -> None:
    policy(queue, quiet_days=30)
    now = timezone.now()
    agent = world.agents["lille0"]
    first = handled(queue, [agent], at=now - dt.timedelta(days=3), customer_key="email:a@b.fr")
    second = handled(queue, [agent], at=now, customer_key="email:a@b.fr")
    other = handled(queue, [agent], at=now, customer_key="email:c@d.fr")
    assert services.survey_invite(
        contact=first, delivery=Delivery.LINK, now=now - dt.timedelta(days=3)
    )
    assert services.survey_invite(contact=second, delivery=Delivery.LINK, now=now) is None
    assert services.survey_invite(contact=other, delivery=Delivery.LINK, now=now) is not None


def test_the_sample_follows_the_policys_share(world: World, queue: Queue) -> None:
    assert not any(services.in_sample(pk, 0) for pk in range(1, 500))
    assert all(services.in_sample(pk, 100) for pk in range(1, 500))
    drawn = sum(services.in_sample(pk, 20) for pk in range(1, 5001))
    assert 850 < drawn < 1150  # a stable draw near 20 % of 5,000


@pytest.mark.parametrize(
    ("rule", "expected"), [(Attribution.LAST_AGENT, "bucarest0"), (Attribution.LONGEST, "rabat0")]
)
def test_the_score_goes_to_the_agent_the_rule_names_and_every_transfer_is_kept(
    world: World, queue: Queue, rule: str, expected: str
) -> None:
    # given a contact rabat0 handled 10 minutes, then transferred to bucarest0 for 2
    policy(queue, attribution=rule)
    first, last = world.agents["rabat0"], world.agents["bucarest0"]
    contact = handled(queue, [first, last], at=timezone.now(), seconds=[600, 120])
    # when invited
    invitation = services.survey_invite(contact=contact, delivery=Delivery.LINK)
    # then the rule's agent, their team, site, site kind and partner carry the score
    assert invitation is not None
    chosen = world.agents[expected]
    assert (invitation.agent_id, invitation.team_id, invitation.site_id, invitation.partner_id) == (
        chosen.pk,
        chosen.team_id,
        chosen.site_id,
        chosen.site.partner_id,
    )
    assert invitation.site_kind == chosen.site.kind
    assert invitation.handlings == [
        {"agent": first.pk, "seconds": 600.0},
        {"agent": last.pk, "seconds": 120.0},
    ]


def test_only_the_questions_asked_are_accepted(world: World, queue: Queue) -> None:
    policy(queue, ask_nps=False)
    contact = handled(queue, [world.agents["lille0"]], at=timezone.now())
    invitation = services.survey_invite(contact=contact, delivery=Delivery.LINK)
    assert invitation is not None
    with pytest.raises(RelaisError) as refused:
        services.survey_answer(invitation=invitation, answer=AnswerIn(nps=10))
    assert refused.value.code is ErrorCode.INVALID_ANSWER
    with pytest.raises(RelaisError):
        services.survey_answer(invitation=invitation, answer=AnswerIn())
    assert not SurveyAnswer.objects.exists()
