"""A whole site's link drops mid-call (issue 17, "Agent link loss"; docs/presence.md): the
agent's audio stops and the site's desktops go, so the caller is put back at the head of the
line and answered at another site, and no new offer goes to the lost site's other agents, whose
phones are behind the same dropped link."""

from __future__ import annotations

import pytest

from relais.apps.interactions.models import Contact, ContactEvent, ContactState, EventKind
from relais.apps.realtime.models import Connection, LeaseKind
from relais.apps.routing.models import OverflowStep, Queue
from relais.apps.voice.models import Call, CallState
from tests.apps.conftest import World
from tests.apps.presence import desk_close, desks_kept_alive
from tests.voice.b2bua_support import (
    RtpEndpoint,
    Stack,
    agent_scenario,
    call_ended,
    desk_phone,
    finished,
    free_udp_port,
    sipp,
    wait_for,
)

pytestmark = [pytest.mark.voice, pytest.mark.django_db(transaction=True)]


def test_a_site_whose_link_drops_loses_its_call_to_another_site(
    world: World, phone_queue: Queue, stack: Stack
) -> None:
    # given the queue's first step for the internal sites (passed at once when none of their
    # agents is reachable: "we lost the link to Lille") and Atlas Contact's site next;
    # at Lille, an agent who will answer and a colleague, available; at Rabat, one agent
    OverflowStep.objects.filter(queue=phone_queue, order=0).update(skip_if_empty=True)
    lille_port, colleague_port = free_udp_port(), free_udp_port()
    rabat_port, rabat_media = free_udp_port(), free_udp_port()
    talking = desk_phone(world, "lille0", lille_port)
    link = sipp(stack.workdir, "lille", agent_scenario(answer_after_ms=500), "-p", str(lille_port))
    stack.start("router", "router", "--poll", "0.05")
    stack.voice()

    with desks_kept_alive(), RtpEndpoint() as media:
        caller = stack.dial(media, hang_up_after_ms=25000)
        assert wait_for(lambda: Call.objects.filter(state=CallState.ANSWERED).exists(), 30), (
            stack.logs()
        )
        colleague = desk_phone(world, "lille1", colleague_port)  # no phone answers there
        rabat = desk_phone(world, "rabat0", rabat_port)
        rabat_phone = sipp(
            stack.workdir,
            "rabat",
            agent_scenario(answer_after_ms=500),
            "-p",
            str(rabat_port),
            "-mp",
            str(rabat_media),
            "-rtp_echo",
        )

        # when Lille's link drops: its desktops go, the answering phone's audio never comes
        for agent in (talking, colleague):
            for channel in agent_channels(agent.pk):
                desk_close(agent, channel)

        # then the call is taken at Rabat; the caller hangs up after talking there
        assert finished(caller, stack, 60) == 0, stack.logs()
        assert finished(link, stack) == 0, stack.logs()
        assert finished(rabat_phone, stack) == 0, stack.logs()

    call = call_ended(stack)
    kinds = list(
        ContactEvent.objects.filter(contact_id=call.contact_id)
        .order_by("id")
        .values_list("kind", "agent_id")
    )
    assert (EventKind.CALL_AGENT_LOST, talking.pk) in kinds, kinds
    answered = [agent for kind, agent in kinds if kind == EventKind.CALL_ANSWERED]
    assert answered == [talking.pk, rabat.pk], kinds
    offered = {agent for kind, agent in kinds if kind == EventKind.OFFER_MADE}
    assert colleague.pk not in offered, kinds
    assert media.echoed > 0, stack.logs()  # the caller heard Rabat's phone
    contact = Contact.objects.get(pk=call.contact_id)
    assert contact.agent_id == rabat.pk
    assert contact.state in (ContactState.WRAP_UP, ContactState.CLOSED)


def agent_channels(agent_id: int) -> list[str]:
    """The channel names of the agent's connected desktops (as the web process knows them)."""
    open_desks = Connection.objects.filter(
        kind=LeaseKind.DESK, subject_id=agent_id, closed_at__isnull=True
    )
    return list(open_desks.values_list("channel_name", flat=True))
