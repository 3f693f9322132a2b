"""A customer in the chat widget and an agent on the desktop, in two Chromium contexts,
against uvicorn with the router running beside it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from relais.apps.chat.models import ChatMessage, ChatTopic
from relais.apps.desktop.models import WrapUp, WrapUpReason
from relais.apps.routing.models import Channel
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue
from tests.e2e.signin import sign_in

XSS = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture
def shop(world: World, asgi_server: str) -> str:
    queue = orders_queue(world, channel=Channel.CHAT)
    ChatTopic.objects.create(
        code="commande", label_fr="Ma commande", label_en="My order", queue=queue
    )
    WrapUpReason.objects.get_or_create(
        code="resolved", defaults={"label_fr": "Résolu", "label_en": "Resolved"}
    )
    user = world.agents["lille0"].user
    user.first_name = "Camille"
    user.save()
    return asgi_server


@pytest.fixture
def contexts(browser: Any) -> Iterator[Any]:
    made: list[Any] = []

    def make(**options: Any) -> Any:
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def agent_ready(contexts: Any, base: str, world: World) -> tuple[Any, Any]:
    context = contexts(locale="fr")
    page = context.new_page()
    sign_in(page, base, world.agents["lille0"].user)
    page.goto(f"{base}/desktop/")
    page.wait_for_selector("#desk[data-online='1']")
    page.select_option("[data-testid=state]", "available")
    page.wait_for_function("() => document.getElementById('desk-presence').textContent.length > 0")
    return context, page


def customer_starts(contexts: Any, base: str, first: str) -> tuple[Any, Any]:
    context = contexts(locale="fr", viewport={"width": 390, "height": 780})  # a phone
    page = context.new_page()
    page.goto(f"{base}/demo/boutique/?lang=fr&queue=orders")
    page.click("[data-testid=chat-open]")
    page.fill("[data-testid=prechat] input[name=name]", "Jeanne Martin")
    page.fill("[data-testid=prechat] textarea[name=message]", first)
    page.click("[data-testid=prechat] button[type=submit]")
    page.wait_for_selector("[data-testid=customer-log]")
    return context, page


def texts(page: Any, selector: str) -> list[str]:
    return [text.strip() for text in page.locator(selector).all_inner_texts()]


def accept_offer(agent: Any) -> None:
    agent.click("[data-testid=accept]")
    agent.wait_for_selector("[data-testid=tab]")


def agent_says(agent: Any, text: str) -> None:
    agent.fill("[data-testid=agent-input]", text)
    agent.click("[data-testid=agent-send]")


def customer_says(customer: Any, text: str) -> None:
    customer.fill("[data-testid=customer-input]", text)
    customer.click("[data-testid=customer-send]")


def wait_text(page: Any, selector: str, text: str) -> None:
    page.locator(selector, has_text=text).first.wait_for()


def test_a_chat_from_the_widget_to_the_desktop_survives_a_cut_connection(
    shop: str, world: World, contexts: Any
) -> None:
    _, agent = agent_ready(contexts, shop, world)
    _, customer = customer_starts(contexts, shop, "Bonjour, où est ma commande ?")

    agent.wait_for_selector("[data-testid=offer]")
    accept_offer(agent)
    wait_text(agent, "[data-testid=agent-message]", "où est ma commande")
    wait_text(customer, "[data-testid=customer-message]", "Camille")

    agent_says(agent, "Je regarde votre commande.")
    wait_text(customer, "[data-testid=customer-message]", "Je regarde votre commande.")
    customer_says(customer, "Merci beaucoup")
    wait_text(agent, "[data-testid=agent-message]", "Merci beaucoup")

    # the agent's connection is cut: the customer writes meanwhile, the agent too
    agent_context = agent.context
    agent_context.set_offline(True)
    agent.evaluate("window.relaisDesk.socket.close()")
    agent.wait_for_selector("#desk[data-online='0']")
    customer_says(customer, "Pendant la coupure 1")
    customer_says(customer, "Pendant la coupure 2")
    agent_says(agent, "Écrit hors ligne")
    customer.locator(".msg.customer.pending").first.wait_for(state="detached")
    agent_context.set_offline(False)
    agent.wait_for_selector("#desk[data-online='1']", timeout=20_000)

    wait_text(agent, "[data-testid=agent-message]", "Pendant la coupure 2")
    wait_text(customer, "[data-testid=customer-message]", "Écrit hors ligne")
    agent_log = texts(agent, "[data-testid=agent-message]")
    for line in (
        "Pendant la coupure 1",
        "Pendant la coupure 2",
        "Merci beaucoup",
        "Écrit hors ligne",
    ):
        assert agent_log.count(line) == 1, (line, agent_log)
    customer_says(customer, "Après la coupure")
    wait_text(agent, "[data-testid=agent-message]", "Après la coupure")
    customer_log = texts(customer, "[data-testid=customer-message]")
    assert sum("Écrit hors ligne" in line for line in customer_log) == 1, customer_log

    # the agent ends the chat and gives the mandatory reason
    agent.click("[data-testid=complete]")
    wait_text(customer, "[data-testid=customer-message]", "terminée")
    agent.select_option("[data-testid=wrap-up-reason]", "resolved")
    agent.click("[data-testid=wrap-up]")
    agent.wait_for_selector("[data-testid=tab]", state="detached")
    assert WrapUp.objects.get().reason.code == "resolved"
    stored = list(
        ChatMessage.objects.filter(sender__in=("customer", "agent")).values_list("body", flat=True)
    )
    assert len(stored) == len(set(stored))  # nothing stored twice


def test_html_and_script_payloads_are_shown_as_text_on_both_sides(
    shop: str, world: World, contexts: Any
) -> None:
    _, agent = agent_ready(contexts, shop, world)
    _, customer = customer_starts(contexts, shop, XSS)
    agent.wait_for_selector("[data-testid=offer]")
    accept_offer(agent)
    agent_says(agent, "<script>window.__pwned=2</script><b>gras</b>")

    wait_text(agent, "[data-testid=agent-message]", "onerror")
    wait_text(customer, "[data-testid=customer-message]", "<b>gras</b>")
    assert XSS in texts(agent, "[data-testid=agent-message]")
    assert XSS in texts(customer, "[data-testid=customer-message]")
    assert agent.locator("[data-testid=agent-log] img").count() == 0
    assert (
        customer.locator("[data-testid=customer-log] img, [data-testid=customer-log] b").count()
        == 0
    )
    assert agent.evaluate("window.__pwned") is None
    assert customer.evaluate("window.__pwned") is None
