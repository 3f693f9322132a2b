"""Coaching's writes, each with the exact frame it pushes after commit."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from relais.apps.audit.models import AuditEntry
from relais.apps.deskstream.events import desk_group
from relais.apps.desktop.models import HelpMessage
from relais.apps.desktop.selectors import help_group
from relais.apps.supervision.coaching.services import instant_message_send
from tests.apps.conftest import World

pytestmark = pytest.mark.django_db


def test_an_instant_message_reaches_the_team_supervisors_after_commit_as_a_typed_frame(
    world: World, in_memory_layer: None, django_capture_on_commit_callbacks: Any
) -> None:
    # given channels listening to Camille's desktop and to the help group of her team
    agent, supervisor = world.agents["lille0"], world.users["supervisor"]
    layer = get_channel_layer()
    desk, team = async_to_sync(layer.new_channel)(), async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(desk_group(agent.pk), desk)
    async_to_sync(layer.group_add)(help_group(agent.team_id), team)

    # when her supervisor writes to her
    with django_capture_on_commit_callbacks(execute=False) as pushes:
        message = instant_message_send(
            actor=supervisor, agent=agent, body="Ça va ?", client_id="s1", reason="AHT"
        )
    sent_before_commit = len(pushes)
    for push in pushes:
        push()
    on_desk = async_to_sync(layer.receive)(desk)
    received = async_to_sync(layer.receive)(team)

    # then two pushes, after commit: the agent's numbered event, the frame of her team
    stored = HelpMessage.objects.get()
    assert (sent_before_commit, stored.pk) == (2, message.pk)
    assert (on_desk["type"], on_desk["frame"]["type"]) == ("desk.event", "help.message")
    assert on_desk["frame"]["message"]["body"] == "Ça va ?"
    assert received == {
        "type": "help.frame",
        "frame": {
            "type": "help.message",
            "agent": str(agent),
            "id": message.pk,
            "thread_id": message.thread_id,
            "author": supervisor.first_name,
            "from_agent": False,
            "body": "Ça va ?",
            "client_id": "s1",
            "created": message.created_at.isoformat().replace("+00:00", "Z"),
        },
    }
    assert list(AuditEntry.objects.values_list("action", "reason")) == [
        ("supervision.instant_message", "AHT")
    ]
