"""A customer finishes a chat, answers the survey in the widget, and the score appears on the
agent's, the site's and the partner's figures of the satisfaction league."""

from __future__ import annotations

from typing import Any

import pytest

from relais.apps.chat.models import ChatTopic
from relais.apps.desktop.models import WrapUpReason
from relais.apps.organisation.models import Skill
from relais.apps.routing.models import Channel, OverflowStep, Queue, QueueSkill
from relais.apps.satisfaction.models import SurveyAnswer, SurveyPolicy
from tests.apps.conftest import World
from tests.e2e import test_chat
from tests.e2e.signin import sign_in


@pytest.fixture
def shop(world: World, asgi_server: str) -> str:
    queue = Queue.objects.create(
        code="orders",
        name_fr="Commandes",
        name_en="Orders",
        channel=Channel.CHAT,
        offer_timeout_seconds=30,
    )
    QueueSkill.objects.create(queue=queue, skill=Skill.objects.get(code="orders"), min_level=2)
    OverflowStep.objects.create(queue=queue, order=0, after_seconds=0)  # anyone with the skill
    ChatTopic.objects.create(
        code="commande", label_fr="Ma commande", label_en="My order", queue=queue
    )
    SurveyPolicy.objects.create(queue=queue, ask_comment=False, ask_company_csat=False)
    WrapUpReason.objects.get_or_create(
        code="resolved", defaults={"label_fr": "Résolu", "label_en": "Resolved"}
    )
    user = world.agents["rabat0"].user
    user.first_name, user.last_name = "Yasmine", "Benali"
    user.save()
    return asgi_server


contexts = test_chat.contexts  # the fixture: browser contexts, closed after the test


def _row(page: Any, label: str) -> str:
    row = page.locator("[data-testid=league-agent_csat] [data-testid=league-row]", has_text=label)
    return " ".join(row.first.inner_text().split())


def test_a_survey_answered_in_the_widget_reaches_the_agent_site_and_partner(
    shop: str, world: World, contexts: Any
) -> None:
    # given Yasmine (Rabat, Atlas Contact) available, and a customer chatting from the widget
    agent = contexts(locale="fr").new_page()
    sign_in(agent, shop, world.agents["rabat0"].user)
    agent.goto(f"{shop}/desktop/")
    agent.wait_for_selector("#desk[data-online='1']")
    agent.select_option("[data-testid=state]", "available")
    customer = contexts(locale="fr", viewport={"width": 390, "height": 780}).new_page()
    customer.goto(f"{shop}/demo/boutique/?lang=fr&queue=orders")
    customer.click("[data-testid=chat-open]")
    customer.fill("[data-testid=prechat] input[name=name]", "Jeanne Martin")
    customer.fill("[data-testid=prechat] textarea[name=message]", "Où est ma commande ?")
    customer.click("[data-testid=prechat] button[type=submit]")
    agent.wait_for_selector("[data-testid=offer]")
    agent.click("[data-testid=accept]")
    agent.wait_for_selector("[data-testid=tab]")

    # when the agent ends the chat, the customer answers the survey the widget shows
    agent.click("[data-testid=complete]")
    customer.wait_for_selector("[data-testid=survey]")
    customer.click("[data-testid=survey-agent_csat-5]")
    customer.click("[data-testid=survey-nps-10]")
    customer.click("[data-testid=survey-resolved-yes]")
    customer.click("[data-testid=survey-send]")
    customer.wait_for_selector("[data-testid=survey-thanks]")
    agent.select_option("[data-testid=wrap-up-reason]", "resolved")
    agent.click("[data-testid=wrap-up]")
    agent.wait_for_selector("[data-testid=tab]", state="detached")
    assert list(SurveyAnswer.objects.values_list("agent_csat", "nps", "resolved")) == [
        (5, 10, True)
    ]

    # then the director sees it on the agent's, the site's and the partner's figures
    director = contexts(locale="fr").new_page()
    sign_in(director, shop, world.users["director"])
    for level, label in (
        ("agent", "Yasmine Benali"),
        ("site", "Rabat"),
        ("partner", "Atlas Contact"),
    ):
        director.goto(f"{shop}/satisfaction/?level={level}")
        row = _row(director, label)
        assert row.startswith(f"{label} 1 100,0"), row
        assert "pas assez de réponses" in row
