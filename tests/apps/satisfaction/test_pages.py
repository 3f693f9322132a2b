"""The public survey page, the widget's survey endpoint and the league page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relais.apps.chat.models import ChatSession, ChatTopic, hash_token
from relais.apps.interactions.models import ContactState
from relais.apps.routing.models import Queue
from relais.apps.satisfaction import selectors, services
from relais.apps.satisfaction.models import Delivery, SurveyAnswer
from relais.apps.satisfaction.schemas import AnswerIn
from tests.apps.conftest import World, logged_in
from tests.apps.routing.fixtures import orders_queue
from tests.apps.satisfaction.making import handled, policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(world: World) -> Queue:
    return orders_queue(world)


def _link(world: World, queue: Queue, **fields: object) -> str:
    contact = handled(queue, [world.agents["rabat0"]], at=timezone.now(), **fields)  # type: ignore[arg-type]
    invitation = services.survey_invite(contact=contact, delivery=Delivery.LINK, language="en")
    assert invitation is not None
    return reverse("satisfaction:survey", args=[selectors.survey_token(invitation)])


def test_the_public_page_asks_in_both_languages_and_records_one_answer(
    world: World, queue: Queue
) -> None:
    policy(queue)
    url = _link(world, queue)
    customer = Client()
    english = customer.get(url).content.decode()
    french = customer.get(url + "?lang=fr").content.decode()
    assert "Was your request resolved?" in english
    assert "Votre demande a-t-elle été résolue" in french
    assert "Rabat" not in english  # nothing of who answered leaves for the customer
    answered = customer.post(url, {"agent_csat": "4", "nps": "10", "resolved": "yes"})
    again = customer.post(url, {"agent_csat": "1"})
    assert answered.status_code == 200
    assert 'data-testid="survey-thanks"' in answered.content.decode()
    assert again.status_code == 409
    assert "already been answered" in again.content.decode()
    assert list(SurveyAnswer.objects.values_list("agent_csat", "nps", "resolved")) == [
        (4, 10, True)
    ]


def test_an_expired_link_says_so(world: World, queue: Queue) -> None:
    policy(queue, link_valid_hours=1)
    contact = handled(queue, [world.agents["lille0"]], at=timezone.now() - dt.timedelta(hours=3))
    invitation = services.survey_invite(
        contact=contact, delivery=Delivery.LINK, now=timezone.now() - dt.timedelta(hours=2)
    )
    assert invitation is not None
    url = reverse("satisfaction:survey", args=[selectors.survey_token(invitation)])
    page = Client().get(url + "?lang=en")
    late = Client().post(url + "?lang=en", {"agent_csat": "5"})
    assert "answers are no longer accepted" in page.content.decode()
    assert 'data-testid="survey-form"' not in page.content.decode()
    assert late.status_code == 410
    assert not SurveyAnswer.objects.exists()


def test_a_forged_link_is_not_found() -> None:
    response = Client().post(
        reverse("satisfaction:survey", args=["forged"]), {}, content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "survey_not_found"


def test_the_widget_gets_its_survey_only_with_the_chats_token(world: World, queue: Queue) -> None:
    # given a chat handled by lille0 that has just ended
    policy(queue, ask_comment=False)
    topic = ChatTopic.objects.create(
        code="orders", label_fr="Commandes", label_en="Orders", queue=queue
    )
    contact = handled(queue, [world.agents["lille0"]], at=timezone.now())
    contact.state = ContactState.WRAP_UP
    contact.save(update_fields=["state"])
    ChatSession.objects.create(
        contact=contact,
        token_hash=hash_token("secret"),
        customer_name="Léa",
        language="fr",
        topic=topic,
        created_at=timezone.now(),
    )
    customer = Client()
    # when the widget asks with a wrong token, then with its own, twice
    wrong = customer.post(
        reverse("satisfaction:chat_survey"), {"token": "nope"}, content_type="application/json"
    )
    first = customer.post(
        reverse("satisfaction:chat_survey"), {"token": "secret"}, content_type="application/json"
    )
    second = customer.post(
        reverse("satisfaction:chat_survey"), {"token": "secret"}, content_type="application/json"
    )
    # then only its own token gets the survey, the same one each time
    assert wrong.status_code == 401  # the chat's own refusal: bad token
    survey = first.json()["survey"]
    assert survey["questions"] == ["agent_csat", "company_csat", "nps", "resolved"]
    again = second.json()["survey"]
    # the link is signed with the time it was made: the same invitation behind both
    token_of = lambda url: url.rstrip("/").rsplit("/", 1)[-1]  # noqa: E731
    assert selectors.invitation_for_token(
        token_of(again.pop("answer_url"))
    ) == selectors.invitation_for_token(token_of(survey["answer_url"]))
    assert again == {k: v for k, v in survey.items() if k != "answer_url"}
    answered = customer.post(
        survey["answer_url"], {"agent_csat": 5, "resolved": True}, content_type="application/json"
    )
    replay = customer.post(survey["answer_url"], {"agent_csat": 1}, content_type="application/json")
    assert answered.status_code == 201
    assert replay.status_code == 409
    assert replay.json()["code"] == "survey_already_answered"
    assert customer.post(
        reverse("satisfaction:chat_survey"), {"token": "secret"}, content_type="application/json"
    ).json() == {"survey": None}


def test_the_league_shows_intervals_and_not_enough_answers(world: World, queue: Queue) -> None:
    # given 40 answers for lille0 (36 satisfied) and 3 for home0
    policy(queue)
    now = timezone.now()
    for index in range(43):
        agent = world.agents["lille0" if index < 40 else "home0"]
        contact = handled(queue, [agent], at=now - dt.timedelta(minutes=index))
        invitation = services.survey_invite(contact=contact, delivery=Delivery.LINK)
        assert invitation is not None
        services.survey_answer(
            invitation=invitation, answer=AnswerIn(agent_csat=5 if index < 36 else 2)
        )
    # when the director looks at agents
    html = (
        logged_in(world.users["director"])
        .get(reverse("satisfaction:league") + "?level=agent")
        .content.decode()
    )
    # then lille0 has its Wilson interval (statsmodels: 0.7695-0.9604) and home0 too few answers
    assert "76,9\u202f% – 96,0\u202f%" in html
    assert "pas assez de réponses" in html
