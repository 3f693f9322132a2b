"""A customer's chat token expires when the chat ended plus a short grace
(`settings.CHAT_TOKEN_GRACE_S`): after that it replays nothing (issue 25, finding 2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.apps.chat.models import ChatSession
from relais.apps.interactions.models import Contact
from tests.apps.chat.fixtures import ChatWorld, customer_client, start_chat

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def _ended(contact_id: int, ago: dt.timedelta) -> None:
    from asgiref.sync import sync_to_async

    await sync_to_async(
        lambda: Contact.objects.filter(pk=contact_id).update(
            state="closed", closed_at=timezone.now() - ago
        )
    )()


async def test_a_token_replays_the_chat_within_the_grace(
    chat_world: ChatWorld, settings: object
) -> None:
    # given a chat that ended a minute ago, with a grace of ten minutes
    settings.CHAT_TOKEN_GRACE_S = 600  # type: ignore[attr-defined]
    contact_id, token = await start_chat()
    await _ended(contact_id, dt.timedelta(minutes=1))
    # when the customer says hello again, then the chat is shown
    customer = await customer_client()
    await customer.send({"type": "hello", "token": token})
    welcome = await customer.until("welcome")
    assert welcome["type"] == "welcome"
    await customer.close()


async def test_an_expired_token_is_refused_clearly(chat_world: ChatWorld, settings: object) -> None:
    # given a chat that ended an hour ago, with a grace of ten minutes
    settings.CHAT_TOKEN_GRACE_S = 600  # type: ignore[attr-defined]
    contact_id, token = await start_chat()
    await _ended(contact_id, dt.timedelta(hours=1))
    # when the token is presented again
    customer = await customer_client()
    await customer.send({"type": "hello", "token": token})
    # then it is refused with its own code and a message, and no message is sent
    error = await customer.until("error")
    assert error["code"] == "token_expired"
    assert error["message"]
    await customer.send({"type": "message", "client_id": "x", "body": "encore"})
    assert (await customer.until("error"))["code"] == "not_authenticated"
    await customer.close()


async def test_the_grace_counts_from_the_customer_leaving(
    chat_world: ChatWorld, settings: object
) -> None:
    from asgiref.sync import sync_to_async

    from relais.apps.chat.selectors import session_for_token
    from relais.apps.errors import RelaisError

    settings.CHAT_TOKEN_GRACE_S = 600  # type: ignore[attr-defined]
    contact_id, token = await start_chat()
    left = timezone.now()
    await sync_to_async(
        lambda: ChatSession.objects.filter(pk=contact_id).update(customer_left_at=left)
    )()
    lookup = sync_to_async(session_for_token)
    assert (await lookup(token, now=left + dt.timedelta(minutes=9))).pk == contact_id
    with pytest.raises(RelaisError) as refused:
        await lookup(token, now=left + dt.timedelta(minutes=11))
    assert refused.value.status == 410
