"""A blocking briefing holds an agent back from its queues in the live router until the agent
acknowledges it; a briefing reaches the desk live; waves deliver later agents later."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from relais.apps.audit.models import AuditEntry
from relais.apps.briefings.delivery import briefings_deliver_due
from relais.apps.briefings.models import Delivery
from relais.apps.briefings.selectors import Audience
from relais.apps.briefings.services import RolloutPlan, briefing_acknowledge, publish_briefing
from relais.apps.interactions import services
from relais.apps.interactions.models import Contact, ContactState
from relais.apps.routing.holds import QueueHold
from relais.core.briefings import RolloutMode
from tests.apps.presence import desk_open
from tests.apps.routing.fixtures import AgentInbox, Routing


def _publish(routing: Routing, **changes: object):  # type: ignore[no-untyped-def]
    world = routing.world
    arguments: dict[str, object] = {
        "author": world.users["director"],
        "title": "Nouvelle règle de retour",
        "summary": "Les retours sont acceptés 60 jours.",
        "diff": [["=", "Les"], ["=", "retours"], ["-", "30"], ["+", "60"], ["=", "jours"]],
        "queues": [routing.queue],
        "audience": Audience(sites=[world.rabat]),
        "blocking": True,
    }
    arguments.update(changes)
    with routing.on_commit(execute=True):
        return publish_briefing(**arguments)  # type: ignore[arg-type]


def _login(routing: Routing, key: str) -> None:
    agent = routing.world.agents[key]
    desk_open(agent)
    services.agent_login(actor=agent.user, agent=agent)
    routing.step()


def test_a_blocking_briefing_holds_back_offers_until_acknowledged(routing: Routing) -> None:
    # given Rabat's first agent logged in, alone, and a blocking briefing on "commandes"
    rabat0 = routing.world.agents["rabat0"]
    inbox = AgentInbox(rabat0)
    _login(routing, "rabat0")
    briefing = _publish(routing)
    routing.step()
    # then the briefing reaches the agent's desk at once
    frames = [m["frame"] for m in inbox.messages()]
    assert [(f["type"], f["briefing_id"], f["blocking"]) for f in frames if "briefing_id" in f] == [
        ("briefing.delivered", briefing.pk, True)
    ]
    # when a "commandes" chat arrives
    admin = routing.world.users["administrator"]
    contact = services.contact_create(actor=admin, queue_code="commandes")
    routing.step()
    routing.advance(30)
    # then it is not offered to the agent who has not acknowledged
    waiting = Contact.objects.get(pk=contact.pk)
    assert (waiting.state, waiting.agent_id) == (ContactState.QUEUED, None)
    # when the agent acknowledges
    rebuilds = routing.router.rebuilds
    with routing.on_commit(execute=True):
        result = briefing_acknowledge(actor=rabat0.user, briefing_id=briefing.pk)
    routing.step()
    # then the chat is offered to them, and the hold is gone: the router followed that one
    # agent without rebuilding its engine
    assert result.acknowledged
    assert routing.router.rebuilds == rebuilds
    row = Contact.objects.get(pk=contact.pk)
    assert (row.state, row.agent_id) == (ContactState.OFFERED, rabat0.pk)
    assert not QueueHold.objects.filter(agent=rabat0).exists()
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert "briefings.publish" in actions
    assert "briefings.acknowledge" in actions


def test_a_briefing_that_does_not_block_leaves_routing_alone(routing: Routing) -> None:
    _login(routing, "rabat0")
    _publish(routing, blocking=False)
    routing.step()
    contact = services.contact_create(
        actor=routing.world.users["administrator"], queue_code="commandes"
    )
    routing.step()
    assert Contact.objects.get(pk=contact.pk).agent_id == routing.world.agents["rabat0"].pk
    assert not QueueHold.objects.exists()


def test_waves_deliver_one_agent_every_ten_minutes(routing: Routing) -> None:
    # given Rabat's two agents and a briefing rolled out one agent per wave, every 10 minutes
    briefing = _publish(
        routing,
        rollout=RolloutPlan(mode=RolloutMode.WAVES, wave_agents=1, wave_every_minutes=10),
    )
    deliveries = list(Delivery.objects.filter(briefing=briefing).order_by("wave"))
    # then the first agent is reached and held back at once, the second not yet
    assert [d.wave for d in deliveries] == [0, 1]
    assert deliveries[0].delivered_at is not None
    assert deliveries[1].delivered_at is None
    assert deliveries[1].due_at - deliveries[0].due_at == dt.timedelta(minutes=10)
    held = set(QueueHold.objects.values_list("agent_id", flat=True))
    assert held == {deliveries[0].agent_id}
    # when the next wave falls due
    assert briefings_deliver_due(now=timezone.now()) == 0
    with routing.on_commit(execute=True):
        delivered = briefings_deliver_due(now=timezone.now() + dt.timedelta(minutes=10))
    # then the second agent is reached and held back too
    assert delivered == 1
    assert set(QueueHold.objects.values_list("agent_id", flat=True)) == {
        d.agent_id for d in deliveries
    }


def test_a_later_start_delivers_nothing_before_it(routing: Routing) -> None:
    briefing = _publish(routing, starts_at=timezone.now() + dt.timedelta(hours=1))
    assert not Delivery.objects.filter(briefing=briefing, delivered_at__isnull=False).exists()
    assert not QueueHold.objects.exists()
    assert Delivery.objects.filter(briefing=briefing).count() == 2  # Rabat's two agents
