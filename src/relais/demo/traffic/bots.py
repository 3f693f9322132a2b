"""A bot agent: logs in through the login page, opens the agent desktop's WebSocket
(`/ws/desktop/`, docs/events-protocol.md) with that session, and works like a person:
goes available, accepts offers after a moment, greets the customer, answers each message,
ends the chat when the contact's handling time is up, wraps up with a reason, takes the
breaks of its plan, and logs out at the end of its shift (`off_duty`: it takes no new
chat and finishes those in hand) or of the run (it ends them at once). Like the desktop
page, it reconnects when the server cuts its connection (a restart) and resumes its stream
from the last event number it saw; with churn (churn.py) it also reloads, loses its
network, or closes its tab for good."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.error import HTTPError

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed, WebSocketException

from relais.demo.traffic import phrases
from relais.demo.traffic.churn import AgentChurn
from relais.demo.traffic.model import BotBreak
from relais.demo.traffic.net import (
    TrafficError,
    login,
    open_socket,
    post_form,
    receive,
    send,
)
from relais.demo.traffic.state import BotAccount, Shared

DEFAULT_HANDLING_S = 150.0  # a chat the generator did not start (a real customer's)
EMAIL_ANSWERED = 0.6  # the share of e-mails a bot answers (the others it only handles)
SHIFT_END_LIMIT_S = 600.0  # at most this long to finish the chats in hand at a shift's end
RECONNECT_S = (0.5, 1.0, 2.0, 4.0)  # waits between attempts, as the desktop page's


class TabClosed(Exception):
    """The bot closed its tab (churn): it is gone for good."""


@dataclass
class Chat:
    contact_id: int
    language: str
    customer: str
    ends_at: float
    ending: bool = False
    email: bool = False  # answered by e-mail (docs/email.md), not in the chat
    tasks: set[asyncio.Task[None]] = field(default_factory=set)


class Bot:
    def __init__(self, account: BotAccount, shared: Shared, breaks: list[BotBreak]) -> None:
        self.account = account
        self.shared = shared
        self.breaks = sorted(breaks, key=lambda pause: pause.start)
        self.ws: ClientConnection | None = None
        self.chats: dict[int, Chat] = {}
        self.accepting: dict[int, asyncio.Task[None]] = {}
        self.on_break: BotBreak | None = None
        self.online = False
        self.leaving = False
        self.off_duty = asyncio.Event()  # set by the roster: the shift is over
        self.sent = 0
        self.last_event_id = 0  # the stream's last number seen: a reconnect resumes after it
        self.session = ""
        self.back_at = 0.0  # churn: when the desktop comes back after a reload or a drop
        self.closed_tab = False

    # -- sending --------------------------------------------------------------------------

    async def _send(self, **frame: Any) -> None:
        if self.ws is not None:
            with contextlib.suppress(ConnectionClosed):
                await send(self.ws, **frame)

    async def _say(self, chat: Chat, body: str) -> None:
        if chat.ending or chat.email:
            return
        self.sent += 1
        client_id = f"{self.account.username}-{chat.contact_id}-{self.sent}"
        await self._send(type="typing", contact_id=chat.contact_id)
        await self.shared.sleep(1.0, 3.0)  # typing
        if not chat.ending:
            await self._send(
                type="message", contact_id=chat.contact_id, client_id=client_id, body=body
            )
            self.shared.counters.agent_messages += 1

    def _later(self, chat: Chat, work: Any) -> None:
        task = asyncio.create_task(work)
        chat.tasks.add(task)
        task.add_done_callback(chat.tasks.discard)

    # -- the conversation -------------------------------------------------------------------

    async def _accept(self, contact_id: int, timeout_s: float) -> None:
        await asyncio.sleep(min(self.shared.delay(1.0, 4.0), max(timeout_s - 2, 0.5)))
        self.accepting.pop(contact_id, None)
        await self._send(type="accept", contact_id=contact_id)

    def _opened(self, chat_frame: dict[str, Any]) -> None:
        contact_id = chat_frame["contact_id"]
        if contact_id in self.chats:
            return
        first = next(
            (m for m in chat_frame.get("messages", []) if m.get("sender") == "customer"), None
        )
        handling = self.shared.handling.get((first or {}).get("client_id") or "")
        language = "nl" if chat_frame.get("queue") == "nl" else "fr"
        chat = Chat(
            contact_id,
            language,
            chat_frame.get("customer_name") or "",
            time.monotonic() + (handling or DEFAULT_HANDLING_S),
        )
        self.chats[contact_id] = chat
        self.shared.counters.accepted += 1
        if chat_frame.get("channel") == "email":
            chat.email = True
            if self.shared.rng.random() < EMAIL_ANSWERED:
                self._later(chat, self._email_reply(chat))
            return
        body = phrases.greeting(language, chat.customer or "", self.account.first_name)
        self._later(chat, self._greet(chat, body))

    async def _greet(self, chat: Chat, body: str) -> None:
        await self.shared.sleep(1.0, 3.0)  # reading what was said so far
        await self._say(chat, body)

    async def _email_reply(self, chat: Chat) -> None:
        """A reply to an e-mail, through the desktop's endpoint (it leaves by the relay)."""
        await self.shared.sleep(3.0, 10.0)  # reading, writing
        text = phrases.answer(self.shared.rng, chat.language)
        path = f"/email/contacts/{chat.contact_id}/reply"
        status = await post_form(
            self.shared.settings.base, path, self.session, {"html": f"<p>{text}</p>"}
        )
        if status == 201:
            self.shared.counters.email_replies += 1
        else:
            self.shared.counters.errors[f"email:{status}"] += 1

    async def _answer(self, chat: Chat) -> None:
        await self.shared.sleep(2.0, 6.0)
        await self._say(chat, phrases.answer(self.shared.rng, chat.language))

    async def _end(self, chat: Chat, reason: str | None = None) -> None:
        """Closing words, end of the conversation, then the wrap-up reason."""
        if chat.ending:
            return
        if reason is None:
            await self._say(chat, phrases.closing(chat.language))
        chat.ending = True
        for task in list(chat.tasks):
            if task is not asyncio.current_task():
                task.cancel()
        await self._send(type="complete", contact_id=chat.contact_id)
        await self.shared.sleep(1.0, 4.0)  # choosing the outcome
        await self._send(
            type="wrap_up",
            contact_id=chat.contact_id,
            reason=reason or phrases.outcome(self.shared.rng),
        )
        self.shared.counters.wrapped_up += 1

    def _customer_message(self, frame: dict[str, Any]) -> None:
        chat = self.chats.get(frame["contact_id"])
        message = frame.get("message") or {}
        if chat is None or chat.ending or chat.email:
            return
        if message.get("event") == "customer_left":
            self._later(chat, self._end(chat, "no_answer"))
        elif message.get("sender") == "customer" and time.monotonic() < chat.ends_at:
            self._later(chat, self._answer(chat))

    # -- breaks ---------------------------------------------------------------------------

    async def _follow_plan(self) -> None:
        if self.leaving:
            return
        now = time.time()
        if self.on_break is not None and now >= self.on_break.end:
            self.on_break = None
            self.shared.counters.bots_on_break -= 1
            await self._send(type="presence", state="available")
        while self.breaks and self.breaks[0].end <= now:
            self.breaks.pop(0)
        if self.on_break is None and self.breaks and self.breaks[0].start <= now:
            self.on_break = self.breaks.pop(0)
            self.shared.counters.bots_on_break += 1
            self.shared.counters.breaks += 1
            await self._send(type="presence", state="break", reason=self.on_break.reason.value)

    # -- the loop ---------------------------------------------------------------------------

    async def _handle(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if isinstance(frame.get("id"), int):
            self.last_event_id = max(self.last_event_id, frame["id"])
        if kind == "state":
            self.last_event_id = max(self.last_event_id, int(frame.get("last_event_id") or 0))
        if kind == "presence.changed" or kind == "state":
            state = frame.get("state") if kind == "presence.changed" else frame.get("presence")
            if state == "disconnected" and not self.leaving:  # gone too long: log in again
                self.shared.report.count("bot:logged_in_again")
                await self._send(type="presence", state="available")
                if self.on_break is not None:
                    await self._send(
                        type="presence", state="break", reason=self.on_break.reason.value
                    )
        if kind == "offer.made":
            self.shared.counters.offers += 1
            contact_id = frame["contact_id"]
            if self.shared.stop.is_set() or self.leaving or frame.get("channel") == "voice":
                # a bot has no telephone: calls are for the people in the desktop
                await self._send(type="reject", contact_id=contact_id)
            elif contact_id not in self.accepting and contact_id not in self.chats:
                timeout = float(frame.get("timeout_seconds") or 15)
                self.accepting[contact_id] = asyncio.create_task(self._accept(contact_id, timeout))
        elif kind == "offer.ended":
            task = self.accepting.pop(frame["contact_id"], None)
            if task is not None:
                task.cancel()
        elif kind == "chat.opened":
            self._opened(frame["chat"])
        elif kind == "state":  # chats held since an earlier run: finish them
            for chat_frame in frame.get("chats", []):
                self._opened(chat_frame)
        elif kind == "chat.message":
            self._customer_message(frame)
        elif kind == "contact.closed":
            chat = self.chats.pop(frame["contact_id"], None)
            for task in chat.tasks if chat else ():
                task.cancel()
        elif kind == "error":
            self.shared.counters.errors[f"agent:{frame.get('code')}"] += 1

    async def _tick(self) -> None:
        await self._churn()
        await self._follow_plan()
        now = time.monotonic()
        for chat in list(self.chats.values()):
            if not chat.ending and now >= chat.ends_at:
                self._later(chat, self._end(chat))

    async def _login(self) -> str:
        """Through the login page; a busy server (HTTP 5xx) is tried again twice."""
        settings = self.shared.settings
        for attempt in range(3):
            try:
                return await login(settings.base, self.account.username, settings.password)
            except HTTPError as error:
                if error.code < 500 or attempt == 2:
                    raise
                await asyncio.sleep(1.0 + attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    # -- churn and reconnections ------------------------------------------------------------

    async def _churn(self) -> None:
        """With churn: now and then reload, lose the network, or close the tab."""
        policy = self.shared.settings.churn
        if policy is None or self.leaving or self.ws is None or self.shared.stop.is_set():
            return
        event = policy.agent_event(self.shared.rng, 1.0)
        if event is None:
            return
        report = self.shared.report
        report.count(f"bot:{event.value}")
        ws, name = self.ws, self.account.username
        if event is AgentChurn.CLOSE_TAB:
            self.closed_tab = True
            report.gone(name)
            await ws.close()
            raise TabClosed
        self.back_at = time.monotonic() + policy.away_for(self.shared.rng, event)
        report.gone(name)
        if event is AgentChurn.RELOAD:
            await ws.close()
        else:  # the network is lost: no closing handshake
            ws.transport.abort()

    async def _reconnect(self) -> ClientConnection | None:
        """Open the desktop again (after the churn's absence, or at once after the server
        cut it) and resume the stream; None when the run stops first."""
        self.shared.report.gone(self.account.username)
        base = self.shared.settings.base
        attempt = 0
        while not self.shared.stop.is_set():
            wait = max(self.back_at - time.monotonic(), 0.0)
            if wait:
                await asyncio.sleep(wait)
            try:
                ws = self.ws = await open_socket(base, "/ws/desktop/", self.session)
            except (OSError, TrafficError, WebSocketException):  # the server is not back yet
                await asyncio.sleep(RECONNECT_S[min(attempt, len(RECONNECT_S) - 1)])
                attempt += 1
                continue
            self.shared.report.back(self.account.username)
            await send(ws, type="hello", last_event_id=self.last_event_id)
            return ws
        return None

    async def run(self, gate: asyncio.Semaphore) -> None:
        """`gate`: a password check is costly, the bots log in a few at a time."""
        counters = self.shared.counters
        settings = self.shared.settings
        try:
            async with gate:
                if self.shared.stop.is_set():
                    return
                session = self.session = await self._login()
            ws = self.ws = await open_socket(settings.base, "/ws/desktop/", session)
        except (OSError, TrafficError, ConnectionClosed) as failed:
            counters.errors[f"login:{type(failed).__name__}"] += 1
            return
        self.shared.report.back(self.account.username)  # a bot of this account again
        try:
            await send(ws, type="hello")
            await send(ws, type="presence", state="available")
            self.online = True
            counters.bots_online += 1
            while True:
                try:
                    await self._work(ws)
                    break
                except (ConnectionClosed, OSError):
                    counters.errors["agent:reconnected"] += 1
                    found = await self._reconnect()
                    if found is None:
                        raise
                    ws = found
            await self._leave(ws)
        except TabClosed:
            pass
        except (ConnectionClosed, OSError):
            counters.errors["agent:disconnected"] += 1
        finally:
            if self.online:
                counters.bots_online -= 1
            if self.on_break is not None:
                counters.bots_on_break -= 1
            for chat in self.chats.values():
                for task in chat.tasks:
                    task.cancel()
            for task in self.accepting.values():
                task.cancel()
            await ws.close()
            self.shared.report.gone(self.account.username)

    async def _work(self, ws: ClientConnection) -> None:
        next_tick = 0.0
        while not self.shared.stop.is_set() and not self.off_duty.is_set():
            frame = await receive(ws, 0.5)
            if frame is not None:
                await self._handle(frame)
            if time.monotonic() >= next_tick:
                next_tick = time.monotonic() + 1.0
                await self._tick()

    async def _leave(self, ws: ClientConnection) -> None:
        """No new offers; the chats in hand end in their own time at a shift's end, at once
        when the run stops; once they are closed, log out."""
        self.leaving = True
        shift_end = not self.shared.stop.is_set()
        if shift_end:  # a break takes no new offer; those already made carry on
            await send(ws, type="presence", state="break", reason="other")
        deadline = time.monotonic() + SHIFT_END_LIMIT_S
        stopping = False
        while (self.chats or self.accepting) and time.monotonic() < deadline:
            if self.shared.stop.is_set() and not stopping:
                stopping = True
                deadline = min(deadline, time.monotonic() + self.shared.settings.grace_s)
                for task in self.accepting.values():
                    task.cancel()
                self.accepting.clear()
                for chat in list(self.chats.values()):
                    chat.ends_at = 0.0
            await self._tick()
            frame = await receive(ws, 0.3)
            if frame is not None:
                await self._handle(frame)
        await send(ws, type="presence", state="offline")
        await receive(ws, 1.0)  # let it be stored before closing
