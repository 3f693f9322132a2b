"""A director publishes a blocking briefing on "Commandes"; an agent in Rabat gets it on the
desktop, is not offered a "Commandes" chat until acknowledging, then is; Rabat's supervisor
sees the acknowledgement (uvicorn with the router beside it, in Chromium)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from relais.apps.briefings.models import Briefing
from relais.apps.interactions import services
from relais.apps.interactions.models import Contact, ContactState
from relais.apps.routing.models import Queue
from tests.apps.briefings.conftest import commandes_queue
from tests.apps.conftest import World
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in


@pytest.fixture
def centre(world: World, asgi_server: str) -> tuple[World, Queue, str]:
    queue = commandes_queue(world)
    for user in [*world.users.values(), world.agents["rabat0"].user]:
        user.language = "en"
        user.save(update_fields=["language"])
    return world, queue, asgi_server


def _state(pk: int, wanted: str, timeout: float = 15.0) -> Contact:
    """The contact once the router (in the server's thread) has put it in `wanted`."""
    deadline = time.monotonic() + timeout
    while True:
        row = Contact.objects.get(pk=pk)
        if row.state == wanted:
            return row
        if time.monotonic() > deadline:
            pytest.fail(f"contact {pk} is {row.state}, not {wanted}")
        time.sleep(0.1)


def test_a_blocking_briefing_holds_back_commandes_until_the_agent_acknowledges(
    centre: tuple[World, Queue, str], pages: Any
) -> None:
    world, queue, base = centre
    rabat0 = world.agents["rabat0"]
    # the agent in Rabat, ready on the desktop
    agent = pages()
    sign_in(agent, base, rabat0.user)
    agent.goto(f"{base}/desktop/")
    agent.wait_for_selector("#desk[data-online='1']")
    agent.select_option("[data-testid=state]", "available")
    expect(agent.get_by_test_id("briefings-none")).to_be_visible()

    # the director writes a blocking briefing on Commandes for Rabat and publishes it
    director = pages()
    sign_in(director, base, world.users["director"])
    director.goto(f"{base}/briefings/new")
    assert_accessible(director)
    director.fill("#id_title", "Returns now within 60 days")
    director.fill("#id_summary", "From today, returns are accepted within 60 days.")
    director.select_option("#id_queues", str(queue.pk))
    director.select_option("#id_sites", str(world.rabat.pk))
    director.check("#id_blocking")
    director.get_by_test_id("briefing-publish").click()
    director.wait_for_url(f"{base}/briefings/*/")
    briefing = Briefing.objects.get()

    # Rabat's supervisor follows the acknowledgements
    supervisor = pages()
    sign_in(supervisor, base, world.users["supervisor_atlas"])
    supervisor.goto(f"{base}/briefings/{briefing.pk}/")
    rabat_row = supervisor.get_by_test_id("progress-rabat")
    expect(rabat_row.get_by_test_id("acknowledged")).to_have_text("0")

    # the briefing reaches the agent's desktop live
    card = agent.get_by_test_id("briefing")
    expect(card).to_contain_text("Returns now within 60 days")
    expect(card).to_contain_text("Blocking")

    # a Commandes chat waits: the agent has not acknowledged
    contact = services.contact_create(actor=world.users["administrator"], queue_code="commandes")
    row = _state(contact.pk, ContactState.QUEUED)
    assert row.agent_id is None
    expect(agent.get_by_test_id("offer")).to_have_count(0)

    # the agent acknowledges: the chat is offered to them
    card.get_by_test_id("briefing-acknowledge").click()
    expect(agent.get_by_test_id("briefings-none")).to_be_visible()
    offered = _state(contact.pk, ContactState.OFFERED)
    assert offered.agent_id == rabat0.pk
    expect(agent.get_by_test_id("offer")).to_have_count(1)

    # the supervisor sees the acknowledgement
    expect(rabat_row.get_by_test_id("acknowledged")).to_have_text("1")
    assert_accessible(supervisor)
