"""An e-mail as an agent of a masked site sees it (docs/privacy.md): the customer's address
masked in the sender line and in the HTML alike, card numbers for everybody."""

from __future__ import annotations

import pytest
from django.utils import timezone

from relais.apps.email.models import Mailbox, MailMessage, MailThread, SendState
from relais.apps.email.selectors import thread_view
from relais.apps.interactions.models import Contact
from relais.apps.routing.models import Channel
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue

pytestmark = pytest.mark.django_db


def _held_by(world: World, key: str) -> Contact:
    queue = orders_queue(world, code="courriel", channel=Channel.EMAIL)
    mailbox = Mailbox.objects.create(queue=queue, address="service@maison.example")
    agent = world.agents[key]
    contact = Contact.objects.create(
        channel="email", queue=queue, priority=0, created_at=timezone.now(), state="accepted",
        agent=agent, site_id=agent.site_id, partner_id=agent.site.partner_id,
        attributes={"name": "Jeanne Martin", "email": "jeanne.martin@example.com"},
    )  # fmt: skip
    thread = MailThread.objects.create(
        mailbox=mailbox, customer_address="jeanne.martin@example.com", contact=contact,
        created_at=timezone.now(),
    )  # fmt: skip
    MailMessage.objects.create(
        mailbox=mailbox, thread=thread, contact=contact, direction="inbound",
        message_id="<m@example.com>", from_address="jeanne.martin@example.com",
        from_name="Jeanne Martin", to_address=mailbox.address, state=SendState.RECEIVED,
        html="<p>Ma carte 4111 1111 1111 1111, écrivez à jeanne.martin@example.com</p>",
        created_at=timezone.now(),
    )  # fmt: skip
    return contact


def test_an_offshore_agent_sees_the_email_masked(world: World) -> None:
    contact = _held_by(world, "rabat0")  # a partner's site with no policy: masked

    shown = thread_view(viewer=world.agents["rabat0"].user, contact_id=contact.pk)

    message = shown.messages[0]
    assert "jeanne.martin@example.com" not in message.sender
    assert "jeanne.martin@example.com" not in message.html
    assert "4111 1111 1111 1111" not in message.html  # card numbers: for everybody
    assert "jeanne.martin@example.com" not in shown.customer
    assert message.html.startswith("<p>Ma carte ")


def test_an_inshore_agent_sees_it_whole(world: World) -> None:
    contact = _held_by(world, "lille0")

    shown = thread_view(viewer=world.agents["lille0"].user, contact_id=contact.pk)

    assert "jeanne.martin@example.com" in shown.messages[0].html
    assert shown.messages[0].sender == "Jeanne Martin <jeanne.martin@example.com>"
