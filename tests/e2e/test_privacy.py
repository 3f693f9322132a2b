"""A Carpathia CX agent (offshore, no masking policy: masked by default) sees a masked
customer on the desktop, when a chat is offered and opened, and through the API in the same
signed-in browser (issue 15, finding 2)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from relais.apps.chat.models import ChatTopic
from relais.apps.routing.models import Channel, OverflowStep, Queue
from tests.apps.conftest import World
from tests.e2e.signin import sign_in
from tests.e2e.test_chat import contexts, texts  # noqa: F401  (a fixture)

CARD = "4111 1111 1111 1111"


@pytest.fixture
def carpathia_shop(world: World, asgi_server: str) -> str:
    """A chat queue served by Carpathia CX's sites from the first second."""
    queue = Queue.objects.create(
        code="orders", name_fr="Commandes", name_en="Orders", channel=Channel.CHAT
    )
    step = OverflowStep.objects.create(queue=queue, order=0, after_seconds=0)
    step.partners.add(world.carpathia)
    ChatTopic.objects.create(
        code="commande", label_fr="Ma commande", label_en="My order", queue=queue
    )
    return asgi_server


def _agent_signed_in(contexts: Any, base: str, world: World) -> Any:  # noqa: F811
    page = contexts(locale="fr").new_page()
    sign_in(page, base, world.agents["bucarest0"].user)
    page.goto(f"{base}/desktop/")
    page.wait_for_selector("#desk[data-online='1']")
    page.select_option("[data-testid=state]", "available")
    page.wait_for_function("() => document.getElementById('desk-presence').textContent.length > 0")
    return page


def _customer_starts(contexts: Any, base: str, first: str) -> Any:  # noqa: F811
    page = contexts(locale="fr").new_page()
    page.goto(f"{base}/demo/boutique/?lang=fr&queue=orders")
    page.click("[data-testid=chat-open]")
    page.fill("[data-testid=prechat] input[name=name]", "Jeanne Martin")
    page.fill("[data-testid=prechat] input[name=email]", "jeanne@example.com")
    page.fill("[data-testid=prechat] textarea[name=message]", first)
    page.click("[data-testid=prechat] button[type=submit]")
    page.wait_for_selector("[data-testid=customer-log]")
    return page


def test_a_carpathia_agents_desktop_and_api_show_the_customer_masked(
    carpathia_shop: str,
    world: World,
    contexts: Any,  # noqa: F811
) -> None:
    # given a Carpathia CX agent at their desktop, and a customer who gives a card number
    agent = _agent_signed_in(contexts, carpathia_shop, world)
    _customer_starts(contexts, carpathia_shop, f"Bonjour, ma carte est {CARD}")

    # when the chat is offered
    offer = agent.locator("[data-testid=offer]")
    offer.wait_for()
    shown = offer.inner_text()
    # then the offer names the customer by first name and initial, and hides the card
    assert "Jeanne M." in shown
    assert "Martin" not in shown
    assert "••• 1111" in shown
    assert CARD not in shown

    # when the agent accepts it, the chat and the customer panel are masked too
    agent.click("[data-testid=accept]")
    agent.locator("[data-testid=tab]", has_text="Jeanne M.").wait_for()
    agent.locator("[data-testid=panel-name]", has_text="Jeanne M.").wait_for()
    assert agent.locator("[data-testid=panel-email]").inner_text() == "j•••@example.com"
    log = " ".join(texts(agent, "[data-testid=agent-message]"))
    assert CARD not in log
    assert "Martin" not in agent.locator("#desk").inner_text()

    # and the API, read in the same signed-in browser, shows the contact masked
    response = agent.request.get(f"{carpathia_shop}/api/v1/contacts")
    assert response.status == 200
    items = response.json()["items"]
    assert len(items) == 1
    assert "Martin" not in json.dumps(items)
    assert "jeanne@" not in json.dumps(items)
    assert items[0]["customer_reference"] == "j•••@example.com"
    detail = agent.request.get(f"{carpathia_shop}/api/v1/contacts/{items[0]['id']}").json()
    assert detail["customer_reference"] == "j•••@example.com"
