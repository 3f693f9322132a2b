"""Outside opening hours: a message left or a callback asked for is stored, routed (the callback
at its time), handled and wrapped up; only what a queue will take is offered."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from relais.apps.chat import services as chat
from relais.apps.chat.schemas import CallbackForm, LeaveMessageForm
from relais.apps.desktop import services as desk
from relais.apps.desktop.models import WrapUp
from relais.apps.desktop.selectors import chat_view
from relais.apps.interactions.models import Contact, ContactState
from relais.apps.interactions.services import contacts_due
from relais.apps.privacy.selectors import agent_masking
from relais.apps.routing.models import Channel, Queue
from tests.apps.chat.fixtures import ChatWorld
from tests.apps.presence import desk_open

pytestmark = pytest.mark.django_db

NEVER_OPEN = "sun 00:00-00:01"  # closed now, for any practical purpose


def closed_everywhere(chat_world: ChatWorld) -> None:
    """The chat, e-mail and callback queues all outside their hours."""
    Queue.objects.update(opening_hours=NEVER_OPEN)
    chat_world.router.rebuild()


def step(chat_world: ChatWorld, on_commit: Any) -> None:
    with on_commit(execute=True):
        chat_world.router.step()


def handle(chat_world: ChatWorld, contact: Contact, on_commit: Any) -> Contact:
    """The agent accepts the offer, completes and wraps up."""
    agent = chat_world.agent("lille0")
    contact.refresh_from_db()
    assert (contact.state, contact.agent_id) == (ContactState.OFFERED, agent.pk)
    desk.desk_accept(actor=agent.user, contact_id=contact.pk)
    step(chat_world, on_commit)
    desk.desk_complete(actor=agent.user, contact_id=contact.pk)
    desk.desk_wrap_up(actor=agent.user, contact_id=contact.pk, reason="resolved")
    contact.refresh_from_db()
    return contact


def test_a_message_left_outside_hours_is_routed_handled_and_wrapped_up(
    chat_world: ChatWorld, django_capture_on_commit_callbacks: Any
) -> None:
    closed_everywhere(chat_world)
    form = LeaveMessageForm(
        topic="commande", name="Jeanne", email="jeanne@example.com", message="Où est mon colis ?"
    )
    left = chat.message_leave(form=form)
    assert (left.channel, left.queue.code) == (Channel.EMAIL, "mail")
    agent = chat_world.agent("lille0")
    desk_open(agent)
    desk.desk_presence_set(actor=agent.user, state="available")
    step(chat_world, django_capture_on_commit_callbacks)

    view = chat_view(
        Contact.objects.select_related("queue").get(pk=left.pk), agent_masking(agent.pk)
    )
    assert (view.channel, view.customer_name) == (Channel.EMAIL, "Jeanne")
    assert [(m.sender, m.body) for m in view.messages] == [("customer", "Où est mon colis ?")]
    done = handle(chat_world, left, django_capture_on_commit_callbacks)
    assert done.state in (ContactState.WRAP_UP, ContactState.CLOSED)
    assert WrapUp.objects.filter(contact_id=left.pk, reason__code="resolved").exists()


def test_a_callback_is_routed_at_its_time_not_before(
    chat_world: ChatWorld, django_capture_on_commit_callbacks: Any
) -> None:
    closed_everywhere(chat_world)
    at = timezone.now() + dt.timedelta(hours=2)
    form = CallbackForm(topic="commande", name="Jeanne", phone="+33 6 12 34 56 78", at=at)
    asked = chat.callback_request(form=form)
    agent = chat_world.agent("lille0")
    desk_open(agent)
    desk.desk_presence_set(actor=agent.user, state="available")
    step(chat_world, django_capture_on_commit_callbacks)
    asked.refresh_from_db()
    assert (asked.state, asked.scheduled_for, asked.agent_id) == (ContactState.SCHEDULED, at, None)

    assert contacts_due(at - dt.timedelta(seconds=1)) == 0
    assert contacts_due(at) == 1
    step(chat_world, django_capture_on_commit_callbacks)
    view = chat_view(
        Contact.objects.select_related("queue").get(pk=asked.pk), agent_masking(agent.pk)
    )
    assert [(m.event, m.body, m.created) for m in view.messages] == [
        ("callback_requested", "+33 6 12 34 56 78", at)
    ]
    done = handle(chat_world, asked, django_capture_on_commit_callbacks)
    assert done.state in (ContactState.WRAP_UP, ContactState.CLOSED)


def test_the_widget_is_offered_only_what_a_queue_will_take(chat_world: ChatWorld) -> None:
    closed_everywhere(chat_world)
    config = Client().get("/chat/config").json()
    assert (config["open"], config["message"], config["callback"]) == (False, True, True)

    Queue.objects.filter(channel=Channel.CALLBACK).update(active=False)
    config = Client().get("/chat/config").json()
    assert (config["message"], config["callback"]) == (True, False)


def test_a_callback_in_the_past_is_refused_and_nothing_is_made(chat_world: ChatWorld) -> None:
    before = Contact.objects.count()
    form = CallbackForm(
        topic="commande",
        name="Jeanne",
        phone="+33 6 12 34 56 78",
        at=timezone.now() - dt.timedelta(minutes=5),
    )
    with pytest.raises(Exception, match="invalid_form"):
        chat.callback_request(form=form)
    assert Contact.objects.count() == before
