"""Sockets obey the session (issue 15, finding 1): signing out, deactivation, a new password
and a deleted session close a person's open WebSockets at once, through the whole ASGI
application with a real session cookie; a lost push is caught by the sockets' own check."""

from __future__ import annotations

import json
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.contrib.sessions.models import Session
from django.test import Client as HttpClient

from relais.apps.accounts.models import TokenScope, User
from relais.apps.accounts.services import api_token_create, api_token_revoke
from relais.apps.audit.models import AuditEntry
from relais.apps.deskstream.events import desk_group
from relais.apps.organisation.services import agent_update
from relais.apps.realtime.push import group_send
from relais.apps.realtime.sessions import (
    CLOSE_SESSION_ENDED,
)
from relais.config.asgi import application
from tests.apps.chat.communicator import WebsocketCommunicator
from tests.apps.chat.fixtures import ChatWorld
from tests.apps.chat.fixtures import chat_world as chat_world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

OURS = [(b"host", b"testserver"), (b"origin", b"http://testserver")]


def _browser(user: User) -> HttpClient:
    browser = HttpClient()
    browser.force_login(user)
    return browser


async def _signed_in(user: User) -> HttpClient:
    return await database_sync_to_async(_browser)(user)


async def _socket(browser: HttpClient, path: str = "/ws/desktop/") -> WebsocketCommunicator:
    cookie = f"sessionid={browser.cookies['sessionid'].value}".encode()
    socket = WebsocketCommunicator(application, path, headers=[*OURS, (b"cookie", cookie)])
    connected, code = await socket.connect()
    assert connected, code
    return socket


async def _ended(socket: WebsocketCommunicator) -> tuple[dict[str, Any], int]:
    """The `session.ended` frame (after whatever came before it) and the close code."""
    while True:
        output = await socket.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            raise AssertionError(f"closed without session.ended ({output.get('code')})")
        frame = json.loads(output["text"])
        if frame["type"] == "session.ended":
            break
    closing = await socket.receive_output(timeout=3)
    assert closing["type"] == "websocket.close"
    return frame, closing["code"]


async def _save(user: User, **fields: Any) -> None:
    def save() -> None:
        fresh = User.objects.get(pk=user.pk)
        for name, value in fields.items():
            if name == "password":
                fresh.set_password(value)
            else:
                setattr(fresh, name, value)
        fresh.save()

    await database_sync_to_async(save)()


async def test_signing_out_closes_that_browsers_desktop(chat_world: ChatWorld) -> None:
    user = chat_world.agent("lille0").user
    browser = await _signed_in(user)
    elsewhere = await _signed_in(user)  # the same agent signed in on another computer
    desk = await _socket(browser)
    other = await _socket(elsewhere)

    response = await database_sync_to_async(browser.post)("/accounts/logout/")
    assert response.status_code == 302

    frame, code = await _ended(desk)
    assert (frame["reason"], code) == ("logged_out", CLOSE_SESSION_ENDED)
    assert frame["message"] == "Votre session est terminée\u202f: vous vous êtes déconnecté."
    assert await other.receive_nothing(timeout=0.3)  # that session still holds
    await desk.disconnect()
    await other.disconnect()


async def test_deactivation_closes_every_socket_of_the_person(chat_world: ChatWorld) -> None:
    supervisor = chat_world.world.users["supervisor"]
    browser = await _signed_in(supervisor)
    board = await _socket(browser, "/ws/supervision/")
    coaching = await _socket(browser, "/ws/supervision/coaching/")

    await _save(supervisor, is_active=False)

    for socket in (board, coaching):
        frame, code = await _ended(socket)
        assert (frame["reason"], code) == ("deactivated", CLOSE_SESSION_ENDED)
        await socket.disconnect()


async def test_a_new_password_closes_the_sockets(chat_world: ChatWorld) -> None:
    user = chat_world.agent("lille0").user
    desk = await _socket(await _signed_in(user))

    await _save(user, password="another-long-passphrase")

    frame, code = await _ended(desk)
    assert (frame["reason"], code) == ("password_changed", CLOSE_SESSION_ENDED)
    await desk.disconnect()


async def test_a_save_that_changes_neither_keeps_the_sockets(chat_world: ChatWorld) -> None:
    user = chat_world.agent("lille0").user
    desk = await _socket(await _signed_in(user))

    await _save(user, first_name="Camille-Anne")

    assert await desk.receive_nothing(timeout=0.3)
    await desk.send_to(text_data=json.dumps({"type": "hello"}))
    assert json.loads(await desk.receive_from())["type"] == "state"
    await desk.disconnect()


async def test_a_deleted_session_closes_its_sockets(chat_world: ChatWorld) -> None:
    user = chat_world.agent("lille0").user
    browser = await _signed_in(user)
    desk = await _socket(browser)
    key = browser.cookies["sessionid"].value

    await database_sync_to_async(lambda: Session.objects.filter(session_key=key).delete())()

    frame, code = await _ended(desk)
    assert (frame["reason"], code) == ("session_ended", CLOSE_SESSION_ENDED)
    await desk.disconnect()


async def test_revoking_an_api_token_closes_its_owners_sockets(chat_world: ChatWorld) -> None:
    supervisor = chat_world.world.users["supervisor"]
    board = await _socket(await _signed_in(supervisor), "/ws/supervision/")

    def revoke() -> None:
        token, _raw = api_token_create(
            actor=supervisor, name="export", scopes=[TokenScope.READ], expires_in_days=30
        )
        api_token_revoke(actor=supervisor, token=token)

    await database_sync_to_async(revoke)()

    frame, code = await _ended(board)
    assert (frame["reason"], code) == ("token_revoked", CLOSE_SESSION_ENDED)
    await board.disconnect()


async def test_taking_an_agent_off_the_floor_closes_their_desktop(chat_world: ChatWorld) -> None:
    agent = chat_world.agent("lille0")
    desk = await _socket(await _signed_in(agent.user))
    administrator = chat_world.world.users["administrator"]

    await database_sync_to_async(agent_update)(
        actor=administrator, agent=agent, fields={"active": False}
    )

    frame, code = await _ended(desk)
    assert (frame["reason"], code) == ("deactivated", CLOSE_SESSION_ENDED)
    await desk.disconnect()


async def test_a_lost_push_still_ends_the_socket_at_its_next_frame(
    chat_world: ChatWorld, settings: Any
) -> None:
    settings.SESSION_CHECK_S = 0  # read the session at every message
    user = chat_world.agent("lille0").user
    desk = await _socket(await _signed_in(user))

    # deactivated without a signal (nothing pushed): the socket finds out by itself
    await database_sync_to_async(User.objects.filter(pk=user.pk).update)(is_active=False)
    await desk.send_to(text_data=json.dumps({"type": "hello"}))

    frame, code = await _ended(desk)
    assert (frame["reason"], code) == ("deactivated", CLOSE_SESSION_ENDED)
    await desk.disconnect()


async def test_a_pushed_frame_is_dropped_once_the_receiver_is_deactivated(
    chat_world: ChatWorld, settings: Any
) -> None:
    """Finding 2, the generic part: a push to a person's group is checked against them."""
    settings.SESSION_CHECK_S = 0
    agent = chat_world.agent("lille0")
    desk = await _socket(await _signed_in(agent.user))
    await desk.send_to(text_data=json.dumps({"type": "hello"}))
    assert json.loads(await desk.receive_from())["type"] == "state"

    await database_sync_to_async(User.objects.filter(pk=agent.user_id).update)(is_active=False)
    group_send(desk_group(agent.pk), "desk.ephemeral", {"type": "chat.typing", "contact_id": 1})

    frame, code = await _ended(desk)  # instead of the pushed frame, which never came
    assert (frame["reason"], code) == ("deactivated", CLOSE_SESSION_ENDED)
    await desk.disconnect()


async def test_a_session_signed_with_an_old_password_ends(
    chat_world: ChatWorld, settings: Any
) -> None:
    settings.SESSION_CHECK_S = 0
    user = chat_world.agent("lille0").user
    desk = await _socket(await _signed_in(user))

    def new_password_without_signal() -> None:
        fresh = User.objects.get(pk=user.pk)
        fresh.set_password("another-long-passphrase")
        User.objects.filter(pk=user.pk).update(password=fresh.password)

    await database_sync_to_async(new_password_without_signal)()
    await desk.send_to(text_data=json.dumps({"type": "hello"}))

    frame, code = await _ended(desk)
    assert (frame["reason"], code) == ("password_changed", CLOSE_SESSION_ENDED)
    await desk.disconnect()


async def test_a_deleted_user_loses_their_sockets(chat_world: ChatWorld) -> None:
    supervisor = chat_world.world.users["supervisor"]
    board = await _socket(await _signed_in(supervisor), "/ws/supervision/")

    def delete() -> None:
        # the audit log keeps whoever signed in (PROTECT); this test is about deletion itself
        AuditEntry.objects.filter(actor_id=supervisor.pk).delete()
        User.objects.get(pk=supervisor.pk).delete()

    await database_sync_to_async(delete)()

    frame, code = await _ended(board)
    assert (frame["reason"], code) == ("deactivated", CLOSE_SESSION_ENDED)
    await board.disconnect()
