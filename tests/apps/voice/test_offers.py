"""The offers feed: the router's decisions about calls as commands for the voice service,
with the router in-process on the test database."""

from __future__ import annotations

from relais.apps.interactions import services
from relais.apps.interactions.models import Contact
from relais.apps.voice import control
from relais.apps.voice.models import AgentLine, LineKind
from relais.apps.voice.offers import (
    Closed,
    OffersFeed,
    Requeued,
    Ring,
    StopRinging,
    Transferred,
    feed_start,
)
from tests.apps.routing.fixtures import Routing, orders_queue
from tests.apps.voice.conftest import DIALLED, login

CALLER = "+33 6 12 34 56 78"


def feed(phone: Routing) -> OffersFeed:
    return OffersFeed(clock=phone.clock.now)


def call(phone: Routing, n: int = 1) -> int:
    ticket = control.call_arrived(number=DIALLED, caller=CALLER, call_id=f"c{n}@op")
    phone.step()
    return ticket.contact_id


def ring(phone: Routing, contact_id: int, key: str, display: str = CALLER) -> Ring:
    agent = phone.world.agents[key]
    return Ring(
        contact_id=contact_id,
        agent_id=agent.pk,
        target=f"sip:agent-{agent.pk}@relais.invalid",
        line=LineKind.BROWSER,
        offer_expires_at=Contact.objects.get(pk=contact_id).offer_expires_at,
        x_relais_contact=str(contact_id),
        caller_display=display,
    )


def test_an_offer_rings_the_agent_and_its_expiry_stops_the_ringing(phone: Routing) -> None:
    offers = feed(phone)
    login(phone, "lille0")
    lille0 = phone.world.agents["lille0"]

    contact = call(phone)

    assert offers.poll() == [ring(phone, contact, "lille0")]  # inshore: the caller shown
    assert offers.poll() == []
    phone.advance(21)  # the queue's offer timeout is 20 s
    commands = offers.poll()
    assert commands[:2] == [StopRinging(contact, lille0.pk, "expired"), Requeued(contact)]


def test_an_offshore_agent_sees_the_caller_masked_and_a_desk_phone_rings_its_contact(
    phone: Routing,
) -> None:
    rabat0 = phone.world.agents["rabat0"]
    AgentLine.objects.create(
        agent=rabat0, kind=LineKind.DESK_PHONE, static_contact="sip:poste-7@192.0.2.7:5060"
    )
    offers = feed(phone)
    login(phone, "rabat0")  # nobody at Lille: the Atlas step is reached at once

    contact = call(phone)

    (command,) = offers.poll()
    assert command == Ring(
        contact_id=contact,
        agent_id=rabat0.pk,
        target="sip:poste-7@192.0.2.7:5060",
        line=LineKind.DESK_PHONE,
        offer_expires_at=Contact.objects.get(pk=contact).offer_expires_at,
        x_relais_contact=str(contact),
        caller_display="•••78",  # a partner's site: masked unless its policy says otherwise
    )


def test_a_transfer_rings_the_new_agent_and_the_desktop_ending_it_closes_the_call(
    phone: Routing,
) -> None:
    offers = feed(phone)
    login(phone, "lille0", "lille1")
    lille0, lille1 = phone.world.agents["lille0"], phone.world.agents["lille1"]
    contact = call(phone)
    rung = ring(phone, contact, "lille0")
    control.call_answered(contact_id=contact, agent_id=lille0.pk)
    phone.step()
    assert offers.poll() == [rung]  # then accepted by the phone itself: nothing to stop

    services.contact_transfer(
        actor=lille0.user, contact=Contact.objects.get(pk=contact), agent_id=lille1.pk
    )
    phone.step()

    assert offers.poll() == [
        Transferred(contact, lille0.pk, lille1.pk, None),
        ring(phone, contact, "lille1"),
    ]
    control.call_answered(contact_id=contact, agent_id=lille1.pk)
    services.contact_complete(actor=lille1.user, contact=Contact.objects.get(pk=contact))
    phone.step()
    assert offers.poll() == [Closed(contact, "completed")]  # ended from the desktop: hang up
    control.call_ended(contact_id=contact, by="system")
    phone.step()
    assert offers.poll() == []  # the call is over: nothing more about it


def test_an_agent_logging_out_mid_call_puts_the_caller_back_in_the_queue(phone: Routing) -> None:
    offers = feed(phone)
    login(phone, "lille0")
    lille0 = phone.world.agents["lille0"]
    contact = call(phone)
    control.call_answered(contact_id=contact, agent_id=lille0.pk)
    phone.step()
    offers.poll()

    services.agent_logout(actor=lille0.user, agent=lille0)
    phone.step()

    assert Requeued(contact) in offers.poll()


def test_a_standby_starts_from_the_offers_standing_now(phone: Routing) -> None:
    login(phone, "lille0")
    lille0 = phone.world.agents["lille0"]
    contact = call(phone)

    offers, pending = feed_start(clock=phone.clock.now)

    assert pending == [ring(phone, contact, "lille0")]
    assert offers.poll() == []  # made before the feed started: in `pending`, not again
    phone.advance(21)
    assert offers.poll()[0] == StopRinging(contact, lille0.pk, "expired")


def test_chats_are_not_in_the_feed(phone: Routing) -> None:
    offers = feed(phone)
    orders_queue(phone.world)  # a chat queue
    phone.router.rebuild()
    login(phone, "lille1")
    chat = services.contact_create(actor=phone.world.users["administrator"], queue_code="orders")
    phone.step()

    assert Contact.objects.get(pk=chat.pk).state == "offered"
    assert offers.poll() == []


def test_a_ring_another_agent_answered_is_stopped(phone: Routing) -> None:
    login(phone, "lille0")
    lille0, lille1 = phone.world.agents["lille0"], phone.world.agents["lille1"]
    contact = call(phone)
    offers, _ = feed_start(clock=phone.clock.now)
    offers.ringing[contact] = lille1.pk  # as a stale view of the offers would have it

    control.call_answered(contact_id=contact, agent_id=lille0.pk)
    phone.step()

    assert offers.poll() == [StopRinging(contact, lille1.pk, "accepted_elsewhere")]
