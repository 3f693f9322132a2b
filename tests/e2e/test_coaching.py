"""A supervisor coaches an agent from the agent view: instant messages both ways, then a
visible join of the agent's chat seen by the customer in the widget."""

from __future__ import annotations

from typing import Any

from tests.apps.conftest import World
from tests.e2e.signin import sign_in
from tests.e2e.test_chat import (
    accept_offer,
    agent_ready,
    contexts,
    customer_starts,
    shop,
    wait_text,
)

__all__ = ["contexts", "shop"]


def supervisor_on_agent_view(contexts: Any, base: str, world: World) -> Any:
    user = world.users["supervisor"]
    user.first_name, user.last_name = "Sophie", "Durand"
    user.save()
    page = contexts(locale="fr").new_page()
    sign_in(page, base, user)
    page.goto(f"{base}/supervision/agents/{world.agents['lille0'].pk}/coaching/")
    page.wait_for_selector("#coach[data-online='1']")
    return page


def test_a_supervisor_messages_an_agent_and_joins_their_chat_visibly(
    shop: str, world: World, contexts: Any
) -> None:
    _, agent = agent_ready(contexts, shop, world)
    supervisor = supervisor_on_agent_view(contexts, shop, world)

    supervisor.fill("[data-testid=coach-im-input]", "Tout va bien ?")
    supervisor.fill("[data-testid=coach-im-reason]", "temps de traitement élevé")
    supervisor.click("[data-testid=coach-im-send]")
    wait_text(agent, "#desk-help-log li", "Tout va bien ?")
    agent.fill("#desk-help-form input[name=body]", "Oui, un client difficile")
    agent.click("#desk-help-form button[type=submit]")
    wait_text(supervisor, "[data-testid=coach-im-log] li", "Oui, un client difficile")

    _, customer = customer_starts(contexts, shop, "Bonjour, ma commande ?")
    agent.wait_for_selector("[data-testid=offer]")
    accept_offer(agent)
    supervisor.reload()
    supervisor.wait_for_selector("#coach[data-online='1']")
    supervisor.fill("[data-testid=coach-join-reason]", "client difficile")
    supervisor.click("[data-mode=visible]")
    wait_text(supervisor, "[data-testid=coach-chat-log] li", "ma commande ?")
    wait_text(customer, "[data-testid=customer-message]", "Sophie, responsable")
    supervisor.fill("[data-testid=coach-say-input]", "Je m'en occupe avec Camille.")
    supervisor.click("[data-testid=coach-say-send]")
    wait_text(customer, "[data-testid=customer-message]", "Je m'en occupe avec Camille.")
    wait_text(agent, "[data-testid=agent-message]", "Je m'en occupe avec Camille.")
    assert "Durand" not in customer.inner_text("body")
