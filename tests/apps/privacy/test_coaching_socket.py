"""The coaching socket: a joined chat's transcript and its live messages reach the
supervisor through their masking (the customer's own frames are not masked)."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from relais.apps.privacy.services import masking_policy_set
from tests.apps.chat.fixtures import ChatWorld
from tests.apps.supervision.coaching.test_consumer import _agent_in_chat, coach_client

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_a_joined_chats_live_messages_are_masked_for_the_supervisor(
    chat_world: ChatWorld,
) -> None:
    # given Lille's policy hiding surnames and e-mails, and Lille's supervisor joining a chat
    await database_sync_to_async(masking_policy_set)(
        actor=None,
        site=chat_world.world.lille,
        fields={
            "mask_surname": True,
            "mask_email": True,
            "mask_phone": False,
            "mask_address": False,
        },
    )
    desk, customer, contact_id = await _agent_in_chat(chat_world)
    coach = await coach_client(chat_world.world.users["supervisor"])
    await coach.send({"type": "join", "contact_id": contact_id, "mode": "silent", "reason": "qa"})
    joined = await coach.until("coaching.chat")

    # when the customer writes their card number and e-mail address
    body = "carte 4111 1111 1111 1111, mail jeanne.martin@example.com"
    await customer.send({"type": "message", "client_id": "c9", "body": body})
    live = await coach.until("coaching.chat_message")
    echoed = await customer.until("message")

    # then the supervisor sees them masked, the customer their own message as written
    assert joined["customer_name"] == "Jeanne M."
    assert live["message"]["body"] == "carte ••• 1111, mail j•••@example.com"
    assert echoed["message"]["body"] == body
    for client in (desk, customer, coach):
        await client.close()
