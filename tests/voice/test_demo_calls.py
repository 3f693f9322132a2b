"""`relais traffic`'s demo calls (src/relais/demo/traffic/calls.py): SIPp callers from the pool of
French mobiles call the demo's number; the voice service answers, queues and records each, and
the caller hangs up after their patience."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from relais.apps.interactions.models import Contact
from relais.apps.routing.models import Queue
from relais.apps.voice.models import Call, CallState
from relais.demo.traffic.calls import DemoCalls, place_calls
from relais.demo.traffic.state import RunSettings, Shared
from relais.demo.voice import NUMBERS
from tests.voice.b2bua_support import DIALLED, Stack

pytestmark = [pytest.mark.voice, pytest.mark.django_db(transaction=True)]


def test_demo_callers_call_the_french_number_wait_in_line_and_hang_up(
    phone_queue: Queue, stack: Stack, tmp_path: Path
) -> None:
    # given the voice service on the demo's French number (nobody logged in: calls wait)
    french = next(n for n in NUMBERS if n.number == DIALLED)
    stack.voice("voice")
    calls = DemoCalls(
        trunk=stack.target,
        work=tmp_path / "calls",
        numbers=(french,),
        every_s=0.5,
        patience_s=(3.0, 3.0),
        at_once=2,
    )
    calls.work.mkdir()
    shared = Shared(RunSettings(base="http://127.0.0.1:9", password="-"))

    # when the demo's callers call until two calls have ended
    async def until_two_ended() -> None:
        task = asyncio.create_task(place_calls(shared, calls))
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not task.done():
            ended = await asyncio.to_thread(
                lambda: Call.objects.filter(state=CallState.ENDED).count()
            )
            if ended >= 2:
                break
            await asyncio.sleep(0.5)
        shared.stop.set()
        await asyncio.wait_for(task, 30)

    asyncio.run(until_two_ended())

    # then each was answered by the voice service, queued for the French number, and ended
    # by the caller; the callers' numbers are the pool's, read as French mobiles
    ended = list(Call.objects.filter(state=CallState.ENDED).order_by("contact_id"))
    assert len(ended) >= 2, stack.logs()
    assert {call.ended_by for call in ended} == {"caller"}
    keys = Contact.objects.filter(pk__in=[c.contact_id for c in ended]).values_list(
        "customer_key", "queue_id", "attributes__language"
    )
    for key, queue_id, language in keys:
        assert key.startswith("tel:+336000001"), key
        assert (queue_id, language) == (phone_queue.pk, "fr")
    assert shared.counters.calls >= 2
    assert not shared.counters.errors, shared.counters.errors
