"""A simulated customer: fills in the widget's pre-chat form (`POST /chat/start`), opens the
customer WebSocket (`/ws/chat/`) with the token it got, waits, gives up when its patience
runs out (the contact is abandoned), and once an agent has joined answers them a few
times until the agent ends the chat. When the queue is closed it leaves a message instead,
as the widget proposes. Like the widget, it reconnects when the server cuts its connection
(a restart); with churn (churn.py) it also reloads, closes the page, or vanishes."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed, WebSocketException

from relais.demo.traffic import phrases
from relais.demo.traffic.churn import CustomerChurn
from relais.demo.traffic.model import Arrival
from relais.demo.traffic.net import get_json, open_socket, post_json, receive, send
from relais.demo.traffic.state import Shared

FOLLOW_UPS = 3
OPEN_CACHE_S = 30.0
RECONNECT_S = (0.5, 1.0, 2.0, 4.0)


class Gone(Exception):
    """The customer closed the page or vanished (churn): they do not come back."""


class Reload(Exception):
    """The customer reloads the page: the widget reconnects at once."""


class OpenQueues:
    """Whether each topic's queue is open, asked to the widget's config endpoint."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.known: dict[str, tuple[float, bool]] = {}

    async def is_open(self, topic: str, queue: str) -> bool:
        seen = self.known.get(queue)
        if seen is not None and time.monotonic() - seen[0] < OPEN_CACHE_S:
            return seen[1]
        answer = await get_json(f"{self.base}/chat/config?queue={queue}&lang=fr")
        is_open = bool(answer.data.get("open")) and answer.data.get("topic") == topic
        self.known[queue] = (time.monotonic(), is_open)
        return is_open


class Customer:
    def __init__(self, shared: Shared, arrival: Arrival, number: int, run_id: str) -> None:
        self.shared = shared
        self.arrival = arrival
        self.number = number
        self.run_id = run_id
        queue = arrival.queue
        self.language = queue.language
        self.name = phrases.customer_name(shared.rng, self.language)
        slug = self.name.lower().replace(" ", ".").encode("ascii", "ignore").decode()
        self.email = f"{slug}.{number}@example.com"
        self.state = "new"
        self.follow_ups = 0
        self.patience_ends = 0.0
        self.gives_up = 0.0
        self.seen: set[int] = set()
        self.served = False

    async def run(self, open_queues: OpenQueues) -> None:
        try:
            await self._visit(open_queues)
        except (OSError, ValueError, ConnectionClosed) as failed:  # the server went away
            self.shared.counters.errors[f"customer:{type(failed).__name__}"] += 1
            self._leave_state()

    async def _visit(self, open_queues: OpenQueues) -> None:
        counters = self.shared.counters
        base = self.shared.settings.base
        queue = self.arrival.queue
        widget_language = "fr" if self.language == "fr" else "en"
        if not await open_queues.is_open(queue.topic, queue.code):
            answer = await post_json(
                f"{base}/chat/leave-message",
                {
                    "topic": queue.topic,
                    "name": self.name,
                    "email": self.email,
                    "language": widget_language,
                    "message": phrases.opening(self.shared.rng, self.language),
                },
            )
            if answer.status == 201:
                counters.left_message += 1
                self.shared.report.left_message_emails.add(self.email)
            else:
                counters.errors[f"leave_message:{answer.data.get('code', answer.status)}"] += 1
            return
        first_id = f"{self.run_id}-{self.number}-0"
        self.shared.handling[first_id] = self.arrival.handling_s
        form = {
            "topic": queue.topic,
            "name": self.name,
            "email": self.email,
            "language": widget_language,
            "message": phrases.opening(self.shared.rng, self.language),
            "client_id": first_id,
        }
        answer = await post_json(f"{base}/chat/start", form)
        if answer.status >= 500:  # the server was busy: press "send" again, once
            await self.shared.sleep(1.0, 2.0)
            answer = await post_json(f"{base}/chat/start", form)
        if answer.status != 201:
            counters.errors[f"start:{answer.data.get('code', answer.status)}"] += 1
            return
        counters.customers += 1
        counters.customer_messages += 1
        counters.waiting += 1
        self.state = "waiting"
        self.shared.report.acked_client_ids.add(first_id)  # stored with the chat (201)
        self.patience_ends = time.monotonic() + self.arrival.patience_s
        # the agent ends the chat after the handling time; a margin for the bots' delays
        self.gives_up = self.patience_ends + self.arrival.handling_s + 300
        path, token = answer.data.get("socket", "/ws/chat/"), answer.data["token"]
        try:
            await self._connected(base, path, token)
        finally:
            self._leave_state()
            self.shared.handling.pop(first_id, None)
        if self.served:
            await self._survey(base, token, widget_language)

    async def _survey(self, base: str, token: str, language: str) -> None:
        """As the widget does when the chat ends: ask for the survey, and answer it most times."""
        rng = self.shared.rng
        offered = await post_json(f"{base}/satisfaction/chat?lang={language}", {"token": token})
        survey = offered.data.get("survey") if offered.status == 200 else None
        if not survey or rng.random() < 0.3:
            return
        await self.shared.sleep(2.0, 8.0)  # reading the questions
        happy = rng.random() < 0.85
        scores = {
            "agent_csat": rng.choice((4, 5, 5)) if happy else rng.choice((1, 2, 3)),
            "company_csat": rng.choice((3, 4, 5)),
            "nps": rng.choice((8, 9, 10)) if happy else rng.randint(0, 7),
            "effort": rng.randint(2, 5),
            "resolved": rng.random() < (0.9 if happy else 0.5),
        }
        answer = {name: value for name, value in scores.items() if name in survey["questions"]}
        answered = await post_json(f"{base}{survey['answer_url']}?lang={language}", answer)
        if answered.status == 201:
            self.shared.counters.surveys_answered += 1
        else:
            self.shared.counters.errors[f"survey:{answered.data.get('code', answered.status)}"] += 1

    async def _connected(self, base: str, path: str, token: str) -> None:
        """The conversation over the widget's socket, reconnecting as the widget does."""
        counters = self.shared.counters
        attempt = 0
        while not self.shared.stop.is_set() or self.state == "talking":
            try:
                ws = await open_socket(base, path)
            except (OSError, WebSocketException):  # the server is not back yet
                if time.monotonic() > self.gives_up:
                    counters.errors["customer:connect"] += 1
                    return
                await asyncio.sleep(RECONNECT_S[min(attempt, len(RECONNECT_S) - 1)])
                attempt += 1
                continue
            attempt = 0
            try:
                await send(ws, type="hello", token=token, last_id=max(self.seen, default=0))
                await self._converse(ws)
                return
            except Reload:
                continue
            except Gone:
                return
            except ConnectionClosed:
                counters.errors["customer:reconnected"] += 1
            finally:
                await ws.close()

    def _leave_state(self) -> None:
        counters = self.shared.counters
        if self.state == "waiting":
            counters.waiting -= 1
        elif self.state == "talking":
            counters.talking -= 1
        self.state = "gone"

    async def _churn(self, ws: ClientConnection, seconds: float) -> None:
        """With churn, while waiting: now and then reload, close the page, or vanish."""
        policy = self.shared.settings.churn
        if policy is None or self.state != "waiting":
            return
        event = policy.customer_event(self.shared.rng, seconds)
        if event is None:
            return
        self.shared.report.count(f"customer:{event.value}")
        if event is CustomerChurn.RELOAD:
            await send(ws, type="bye")  # pagehide, then the page loads again
            raise Reload
        if event is CustomerChurn.GOODBYE:
            await send(ws, type="bye")
            await ws.close()
        else:  # silence: the connection just ends
            ws.transport.abort()
        raise Gone

    async def _converse(self, ws: ClientConnection) -> None:
        counters = self.shared.counters
        patience_ends, gives_up = self.patience_ends, self.gives_up
        replies: set[asyncio.Task[None]] = set()
        try:
            while time.monotonic() < gives_up:
                await self._churn(ws, 0.5)
                if self.state == "waiting" and (
                    time.monotonic() >= patience_ends or self.shared.stop.is_set()
                ):
                    await send(ws, type="end")
                    counters.abandoned += 1
                    await receive(ws, 1.0)
                    return
                frame = await receive(ws, 0.5)
                if frame is None:
                    continue
                if self._ended(frame):
                    counters.served += 1
                    self.served = True
                    return
                reply = self._react(frame)
                if reply is not None:
                    client_id = f"{self.run_id}-{self.number}-{self.follow_ups}"
                    task = asyncio.create_task(self._reply(ws, reply, client_id))
                    replies.add(task)
                    task.add_done_callback(replies.discard)
            counters.errors["customer:timeout"] += 1
        finally:
            for task in replies:
                task.cancel()

    def _ended(self, frame: dict[str, Any]) -> bool:
        """The agent ended the chat (or it ended while the customer was away)."""
        if frame.get("type") == "welcome":
            return frame.get("state") == "ended"
        message = frame.get("message") or {}
        return frame.get("type") == "message" and message.get("event") == "chat_ended"

    def _react(self, frame: dict[str, Any]) -> str | None:
        """The next thing to write, when the frame calls for one."""
        counters = self.shared.counters
        kind = frame.get("type")
        if kind == "welcome" and frame.get("state") == "connected":
            self._joined()
        if kind == "ack" and frame.get("client_id"):
            self.shared.report.acked_client_ids.add(str(frame["client_id"]))
        if kind != "message":
            if kind == "error":
                counters.errors[f"customer:{frame.get('code')}"] += 1
            return None
        message = frame["message"]
        if message["id"] in self.seen:
            return None
        self.seen.add(message["id"])
        if message.get("event") == "agent_joined":
            self._joined()
        elif message.get("sender") == "agent" and not message.get("event"):
            self._joined()
            if self.follow_ups < FOLLOW_UPS and self.shared.rng.random() < 0.8:
                self.follow_ups += 1
                return phrases.follow_up(self.shared.rng, self.language)
        return None

    def _joined(self) -> None:
        if self.state == "waiting":
            self.shared.counters.waiting -= 1
            self.shared.counters.talking += 1
            self.state = "talking"

    async def _reply(self, ws: ClientConnection, body: str, client_id: str) -> None:
        await self.shared.sleep(3.0, 10.0)  # reading, then typing
        with contextlib.suppress(ConnectionClosed):
            await send(ws, type="typing")
            await self.shared.sleep(1.0, 3.0)
            await send(ws, type="message", client_id=client_id, body=body)
            self.shared.counters.customer_messages += 1
