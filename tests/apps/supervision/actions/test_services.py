"""Supervisors' actions: audited with who, when and why; refused outside the scope."""

from __future__ import annotations

import json
from typing import Any

import pytest

from relais.apps.audit.models import AuditEntry
from relais.apps.interactions.models import AgentPresence, ContactEvent, EventKind
from relais.apps.routing.models import OverflowStep, Queue
from relais.apps.supervision.models import Broadcast
from tests.apps.conftest import World, logged_in
from tests.apps.routing.fixtures import AgentInbox


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_director_opens_overflow_now_with_a_reason(world: World, queue: Queue) -> None:
    step = queue.overflow_steps.get(order=1)
    client = logged_in(world.users["director"])

    refused = _post(
        client,
        f"/api/v1/supervision/overflow-steps/{step.pk}/override",
        {"open": True, "reason": " "},
    )
    opened = _post(
        client,
        f"/api/v1/supervision/overflow-steps/{step.pk}/override",
        {"open": True, "reason": "Lille is swamped"},
    )

    assert refused.status_code == 400
    assert refused.json()["code"] == "reason_required"
    assert opened.status_code == 200
    assert opened.json()["override"] is True
    step.refresh_from_db()
    assert (step.override, step.override_by, step.override_reason) == (
        "open",
        world.users["director"],
        "Lille is swamped",
    )
    assert step.override_at is not None
    entry = AuditEntry.objects.get(action="routing.overflow_step_override")
    assert (entry.actor, entry.reason) == (world.users["director"], "Lille is swamped")
    assert entry.changes["override"] == ["", "open"]
    lifted = _post(
        client,
        f"/api/v1/supervision/overflow-steps/{step.pk}/override",
        {"open": None, "reason": "back to normal"},
    )
    assert lifted.json()["override"] is None
    assert OverflowStep.objects.get(pk=step.pk).override == ""
    assert AuditEntry.objects.filter(action="routing.overflow_step_override").count() == 2
    changes = ContactEvent.objects.filter(kind=EventKind.QUEUE_CONFIGURATION_CHANGED)
    assert [event.queue_id for event in changes] == [queue.pk, queue.pk]  # the router reloads


@pytest.mark.parametrize(
    "role",
    ["supervisor", "supervisor_atlas", "partner_manager", "planner", "quality_analyst", "agent"],
)
def test_others_may_not_open_overflow_nor_change_priorities(
    world: World, queue: Queue, role: str
) -> None:
    """Queues move traffic between companies: not a supervisor's, even at the client's own
    site (issue 15, finding 3: an Atlas supervisor closed the step towards Carpathia)."""
    step = queue.overflow_steps.get(order=1)
    client = logged_in(world.users[role])

    opened = _post(
        client,
        f"/api/v1/supervision/overflow-steps/{step.pk}/override",
        {"open": True, "reason": "x"},
    )
    priority = _post(
        client, f"/api/v1/supervision/queues/{queue.pk}/priority", {"priority": 5, "reason": "x"}
    )

    assert opened.status_code == priority.status_code == 403
    expected = "permission_denied" if role == "agent" else "steering_not_allowed"
    assert opened.json()["code"] == priority.json()["code"] == expected
    assert not OverflowStep.objects.exclude(override="").exists()
    assert not ContactEvent.objects.filter(kind=EventKind.QUEUE_CONFIGURATION_CHANGED).exists()
    assert Queue.objects.get(pk=queue.pk).priority == 0


def test_a_director_changes_a_queue_priority(world: World, queue: Queue) -> None:
    client = logged_in(world.users["director"])

    changed = _post(
        client,
        f"/api/v1/supervision/queues/{queue.pk}/priority",
        {"priority": 5, "reason": "VIP campaign"},
    )

    assert changed.json()["priority"] == 5
    entry = AuditEntry.objects.get(action="routing.queue_priority")
    assert (entry.actor, entry.reason, entry.changes["priority"]) == (
        world.users["director"],
        "VIP campaign",
        [0, 5],
    )
    assert ContactEvent.objects.filter(kind=EventKind.QUEUE_CONFIGURATION_CHANGED).count() == 1


def test_a_supervisor_changes_the_state_of_their_agent_only(world: World, queue: Queue) -> None:
    client = logged_in(world.users["supervisor"])
    lille0, rabat0 = world.agents["lille0"], world.agents["rabat0"]

    logged = _post(
        client,
        f"/api/v1/supervision/agents/{lille0.pk}/state",
        {"action": "login", "reason": "forgot to log in"},
    )
    paused = _post(
        client,
        f"/api/v1/supervision/agents/{lille0.pk}/state",
        {"action": "break", "break_reason": "coaching", "reason": "coaching now"},
    )
    other = _post(
        client, f"/api/v1/supervision/agents/{rabat0.pk}/state", {"action": "login", "reason": "x"}
    )

    assert logged.json()["state"] == "available"
    assert paused.json() == {"agent_id": lille0.pk, "state": "break", "break_reason": "coaching"}
    assert other.status_code == 404
    assert AgentPresence.objects.get(agent=lille0).state == "break"
    reasons = list(
        AuditEntry.objects.filter(action="supervision.agent_state")
        .order_by("id")
        .values_list("reason", flat=True)
    )
    assert reasons == ["forgot to log in", "coaching now"]


def test_a_broadcast_reaches_the_team_desktops_after_commit(
    world: World, in_memory_layer: None, django_capture_on_commit_callbacks: Any
) -> None:
    from relais.apps.deskstream.events import desk_group

    client = logged_in(world.users["supervisor"])
    team = world.teams["lille"]
    inboxes = {key: _DeskInbox(world.agents[key].pk, desk_group) for key in ("lille0", "rabat0")}

    with django_capture_on_commit_callbacks(execute=True):
        sent = _post(
            client,
            "/api/v1/supervision/broadcasts",
            {
                "target_kind": "team",
                "target_id": team.pk,
                "message": "New returns procedure",
                "reason": "briefing",
            },
        )
    outside = _post(
        client,
        "/api/v1/supervision/broadcasts",
        {
            "target_kind": "team",
            "target_id": world.teams["rabat"].pk,
            "message": "x",
            "reason": "y",
        },
    )

    assert sent.status_code == 200
    assert sorted(sent.json()["recipients"]) == sorted(
        [world.agents["lille0"].pk, world.agents["lille1"].pk]
    )
    (frame,) = inboxes["lille0"].messages()
    assert frame["frame"]["type"] == "supervision.broadcast"
    assert frame["frame"]["message"] == "New returns procedure"
    assert inboxes["rabat0"].messages() == []
    assert outside.status_code == 404
    assert Broadcast.objects.count() == 1
    assert AuditEntry.objects.get(action="supervision.broadcast").reason == "briefing"


class _DeskInbox(AgentInbox):
    def __init__(self, agent_id: int, group: Any) -> None:
        from asgiref.sync import async_to_sync
        from channels.layers import get_channel_layer

        self.layer = get_channel_layer()
        self.channel = async_to_sync(self.layer.new_channel)()
        async_to_sync(self.layer.group_add)(group(agent_id), self.channel)
