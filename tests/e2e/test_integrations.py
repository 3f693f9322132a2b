"""The brand's systems in a browser (issue 18): a customer signed in on the demo shop chats;
the agent sees their identity vouched for by the shop and opens the queue's screen-pop link
to the customer's record in the (demo) CRM, in French and in English."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from relais.apps.chat.models import ChatTopic
from relais.apps.interactions.models import Contact
from relais.apps.routing.models import Channel
from relais.demo.views import DEMO_CUSTOMER_ID, DEMO_CUSTOMER_NAME
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in


@pytest.fixture
def shop(world: World, asgi_server: str) -> str:
    queue = orders_queue(world, channel=Channel.CHAT)
    queue.screen_pop_url = f"{asgi_server}/demo/crm/customers/{{customer_id}}/?order={{order}}"
    queue.save()
    ChatTopic.objects.create(
        code="commande", label_fr="Ma commande", label_en="My order", queue=queue
    )
    return asgi_server


@pytest.fixture
def contexts(browser: Any) -> Iterator[Any]:
    made: list[Any] = []

    def make(language: str) -> Any:
        context = browser.new_context(
            locale=language, extra_http_headers={"Accept-Language": language}
        )
        context.set_default_timeout(15_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


VERIFIED = {"fr": "Vérifié par le site de la marque", "en": "Verified by the brand's site"}
CRM = {"fr": f"Client {DEMO_CUSTOMER_ID}", "en": f"Customer {DEMO_CUSTOMER_ID}"}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_signed_in_customer_chats_and_the_agent_opens_their_crm_record(
    shop: str, world: World, contexts: Any, language: str
) -> None:
    # given an available agent
    user = world.agents["lille0"].user
    user.language = language
    user.save()
    agent_context = contexts(language)
    agent = agent_context.new_page()
    sign_in(agent, shop, user)
    agent.goto(f"{shop}/desktop/")
    agent.wait_for_selector("#desk[data-online='1']")
    agent.select_option("[data-testid=state]", "available")

    # when a customer signed in on the shop starts a chat (their name filled from the shop)
    customer = contexts(language).new_page()
    customer.goto(f"{shop}/demo/boutique/?lang={language}&queue=orders&signed_in=1")
    expect(customer.get_by_test_id("signed-in")).to_contain_text(DEMO_CUSTOMER_NAME)
    customer.click("[data-testid=chat-open]")
    name = customer.locator("[data-testid=prechat] input[name=name]")
    expect(name).to_have_value(DEMO_CUSTOMER_NAME)
    customer.fill("[data-testid=prechat] textarea[name=message]", "Ma lampe clignote")
    customer.click("[data-testid=prechat] button[type=submit]")
    customer.wait_for_selector("[data-testid=customer-log]")
    expect(customer.get_by_test_id("identity-refused")).to_have_count(0)

    # then the agent sees the identity the shop vouched for
    agent.click("[data-testid=accept]")
    agent.wait_for_selector("[data-testid=tab]")
    expect(agent.get_by_test_id("panel-customer-id")).to_contain_text(DEMO_CUSTOMER_ID)
    expect(agent.get_by_test_id("panel-verified")).to_have_text(VERIFIED[language])
    expect(agent.get_by_test_id("panel-name")).to_have_text(DEMO_CUSTOMER_NAME)
    assert_accessible(agent)
    contact = Contact.objects.get(channel=Channel.CHAT)
    assert contact.customer_key == f"id:{DEMO_CUSTOMER_ID}"

    # and opens the customer's record in the CRM, in a new tab that cannot reach the desk
    link = agent.get_by_test_id("screen-pop")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    with agent_context.expect_page() as opened:
        link.click()
    crm = opened.value
    crm.wait_for_load_state()
    assert crm.url.startswith(f"{shop}/demo/crm/customers/{DEMO_CUSTOMER_ID}/")
    expect(crm.get_by_test_id("crm-customer")).to_have_text(CRM[language])
    expect(crm.get_by_test_id("crm-name")).to_have_text(DEMO_CUSTOMER_NAME)
    assert crm.evaluate("window.opener") is None
