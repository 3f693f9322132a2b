"""Every surface that shows a customer to a person, for an agent of a partner's site and for
an inshore agent: the offer, the opened chat, each message, the customer panel, the
coaching frame and the contacts API (finding 2 of issue 15)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from relais.apps.chat import services as chat
from relais.apps.chat.schemas import StartForm
from relais.apps.deskstream.models import DeskEvent
from relais.apps.desktop import selectors as desk_selectors
from relais.apps.desktop import services as desk
from relais.apps.interactions import services as interactions
from relais.apps.interactions.models import Contact
from relais.apps.organisation.models import Agent
from relais.apps.privacy.services import masking_policy_set
from relais.apps.reporting import exports
from relais.apps.supervision.coaching.selectors import joined_chat_frame, live_chats
from tests.apps.chat.fixtures import ChatWorld
from tests.apps.conftest import World, logged_in
from tests.apps.presence import desk_open
from tests.apps.routing.fixtures import orders_queue

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("recording_layer"),  # the frames pushed, kept in memory
]

CARD = "4111 1111 1111 1111"
IBAN = "FR76 3000 6000 0112 3456 7890 189"
FIRST_LINE = f"Bonjour, ma carte {CARD}"


def _offered_to(chat_world: ChatWorld, key: str) -> tuple[Agent, int]:
    """A chat from Jeanne Martin, offered to the agent `key` alone (logged in, and past the
    queue's steps that would exclude their site)."""
    agent = chat_world.agent(key)
    desk_open(agent)
    interactions.agent_login(actor=agent.user, agent=agent)
    chat_world.router.step()
    form = StartForm(
        topic="commande",
        name="Jeanne Martin",
        email="jeanne@example.com",
        message=FIRST_LINE,
        client_id="c0",
    )
    session, _ = chat.chat_start(form=form)
    chat_world.router.step()
    if Contact.objects.get(pk=session.contact_id).agent_id is None:  # not an internal site
        chat_world.clock.advance(91)  # every site becomes eligible
        chat_world.router.step()
    assert Contact.objects.get(pk=session.contact_id).agent_id == agent.pk
    return agent, session.contact_id


def _payload(agent: Agent, kind: str) -> dict[str, Any]:
    return DeskEvent.objects.filter(agent_id=agent.pk, kind=kind).latest("seq").payload


def _through_a_conversation(chat_world: ChatWorld, key: str) -> tuple[Agent, int]:
    agent, contact_id = _offered_to(chat_world, key)
    desk.desk_accept(actor=agent.user, contact_id=contact_id)
    session = chat.ChatSession.objects.get(contact_id=contact_id)
    chat.customer_message(session=session, body=f"Mon IBAN : {IBAN}", client_id="c1")
    return agent, contact_id


def test_a_carpathia_agent_sees_every_surface_masked(chat_world: ChatWorld) -> None:
    # given a Carpathia CX agent (offshore, no policy anywhere: masked by default)
    # when a chat is offered, accepted, and the customer gives their IBAN
    agent, contact_id = _through_a_conversation(chat_world, "bucarest0")

    # then the offer names the customer by first name and initial, the card is hidden
    offer = _payload(agent, "offer.made")
    assert offer["customer_name"] == "Jeanne M."
    assert offer["preview"] == "Bonjour, ma carte ••• 1111"
    # the opened chat likewise
    opened = _payload(agent, "chat.opened")["chat"]
    assert opened["customer_name"] == "Jeanne M."
    assert opened["messages"][0]["body"] == "Bonjour, ma carte ••• 1111"
    # the message, stored for the agent and replayed as stored, hides the IBAN
    message = _payload(agent, "chat.message")["message"]
    assert message["body"] == "Mon IBAN : FR••• 0189"
    stored = " ".join(str(e.payload) for e in DeskEvent.objects.filter(agent_id=agent.pk))
    for secret in ("Martin", "jeanne@", "4111 1111", "3000 6000"):
        assert secret not in stored, secret
    # the customer panel too
    panel = desk_selectors.customer_panel(viewer=agent.user, contact_id=contact_id)
    assert (panel.name, panel.email, panel.masked) == ("Jeanne M.", "j•••@example.com", True)


def test_an_inshore_agent_sees_the_customer_but_never_a_card_or_an_iban(
    chat_world: ChatWorld,
) -> None:
    agent, contact_id = _through_a_conversation(chat_world, "lille0")

    assert _payload(agent, "offer.made")["customer_name"] == "Jeanne Martin"
    assert _payload(agent, "offer.made")["preview"] == "Bonjour, ma carte ••• 1111"
    assert _payload(agent, "chat.opened")["chat"]["customer_name"] == "Jeanne Martin"
    assert _payload(agent, "chat.message")["message"]["body"] == "Mon IBAN : FR••• 0189"
    panel = desk_selectors.customer_panel(viewer=agent.user, contact_id=contact_id)
    assert (panel.name, panel.email, panel.masked) == ("Jeanne Martin", "jeanne@example.com", False)


def test_a_partners_policy_is_what_its_agents_see(chat_world: ChatWorld) -> None:
    # given Carpathia CX's policy: names shown, e-mails masked
    masking_policy_set(
        actor=None, partner=chat_world.world.carpathia, fields={"mask_surname": False}
    )
    agent, contact_id = _offered_to(chat_world, "bucarest0")
    assert _payload(agent, "offer.made")["customer_name"] == "Jeanne Martin"
    desk.desk_accept(actor=agent.user, contact_id=contact_id)
    panel = desk_selectors.customer_panel(viewer=agent.user, contact_id=contact_id)
    assert (panel.name, panel.email) == ("Jeanne Martin", "j•••@example.com")


def test_the_desktop_state_sent_at_hello_is_masked(chat_world: ChatWorld) -> None:
    agent, contact_id = _offered_to(chat_world, "bucarest0")
    state = desk_selectors.desk_state(viewer=agent.user)
    assert [o.customer_name for o in state.offers] == ["Jeanne M."]
    desk.desk_accept(actor=agent.user, contact_id=contact_id)
    state = desk_selectors.desk_state(viewer=agent.user)
    assert [c.customer_name for c in state.chats] == ["Jeanne M."]
    assert state.chats[0].messages[0].body == "Bonjour, ma carte ••• 1111"


def test_a_partner_manager_coaching_a_chat_sees_it_masked(chat_world: ChatWorld) -> None:
    # given an Atlas Contact agent in a chat, and Atlas's manager joining it
    agent, contact_id = _through_a_conversation(chat_world, "rabat0")
    manager = chat_world.world.users["partner_manager"]
    contact = Contact.objects.select_related("agent__user").get(pk=contact_id)

    frame = joined_chat_frame(viewer=manager, contact=contact, mode="silent")
    assert frame.customer_name == "Jeanne M."
    bodies = [m.body for m in frame.messages if m.body]
    assert bodies == ["Bonjour, ma carte ••• 1111", "Mon IBAN : FR••• 0189"]
    assert [name for _, name in live_chats(viewer=manager, agent=agent)] == ["Jeanne M."]
    # the whole organisation's roles see the name, never the card
    director = joined_chat_frame(
        viewer=chat_world.world.users["director"], contact=contact, mode="silent"
    )
    assert director.customer_name == "Jeanne Martin"
    assert director.messages[0].body == "Bonjour, ma carte ••• 1111"


def _api_contact(world: World, key: str) -> Contact:
    queue = orders_queue(world, code=f"api-{key}")
    agent = world.agents[key]
    return Contact.objects.create(
        channel=queue.channel,
        queue=queue,
        priority=0,
        created_at=timezone.now(),
        customer_reference="jeanne@example.com",
        attributes={
            "name": "Jeanne Martin",
            "email": "jeanne@example.com",
            "phone": "+33 6 12 34 56 78",
            "address": "12 rue de la Paix, Paris",
            "topic": "orders",
        },
        state="accepted",
        agent=agent,
        site_id=agent.site_id,
        partner_id=agent.site.partner_id,
    )


MASKED = {
    "name": "Jeanne M.",
    "email": "j•••@example.com",
    "phone": "•••78",
    "address": "•••",
    "topic": "orders",
}


@pytest.mark.parametrize("reader", ["partner_manager", "agent"])  # both Atlas Contact's
def test_the_contacts_api_masks_for_a_partners_agent_and_manager(world: World, reader: str) -> None:
    contact = _api_contact(world, "rabat0")
    client = logged_in(world.users[reader])

    listed = client.get("/api/v1/contacts").json()["items"]
    read = client.get(f"/api/v1/contacts/{contact.pk}").json()

    for shown in (*listed, read):
        assert shown["customer_reference"] == "j•••@example.com"
        assert shown["attributes"] == MASKED
    contact.refresh_from_db()  # nothing stored was changed
    assert contact.attributes["name"] == "Jeanne Martin"


def test_the_contacts_api_shows_the_whole_organisations_roles_everything(world: World) -> None:
    contact = _api_contact(world, "rabat0")
    read = logged_in(world.users["director"]).get(f"/api/v1/contacts/{contact.pk}").json()
    assert read["customer_reference"] == "jeanne@example.com"
    assert read["attributes"]["name"] == "Jeanne Martin"


def test_an_answer_to_an_action_is_masked_too(world: World) -> None:
    contact = _api_contact(world, "rabat0")
    client = logged_in(world.agents["rabat0"].user)
    done = client.post(f"/api/v1/contacts/{contact.pk}/complete", "{}", "application/json")
    assert done.status_code == 200
    assert done.json()["attributes"]["name"] == "Jeanne M."


def test_the_reports_exports_carry_no_customer_data() -> None:
    # the exports are figures per period and group: no column names a customer
    assert not [c for c in exports.header() if "customer" in c or "reference" in c]
