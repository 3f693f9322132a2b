"""The clients of `bench.chat_load`: agents' desktops and customers' widgets over WebSocket.

The agents run in a process of their own (`python -m bench.chat_load_clients URL` with the
sessions on stdin): a realistic login ramp (a bounded number of handshakes at a time),
then every desktop accepts every offer, answers every customer message and wraps up when
the customer leaves. It prints `ready <n>` once the agents are logged in, and, after
`stop` on its stdin, one JSON line with what it saw (offer arrival times by customer, as
`time.perf_counter()`, which is CLOCK_MONOTONIC and so comparable across processes) and
its own CPU time. The customers run in the main bench process (`customer`).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

EXCHANGES = 3
LOGIN_CONCURRENCY = 25  # handshakes in flight at once while agents log in
LOGIN_TIMEOUT_S = 120.0
PATIENCE_S = 60.0  # a customer waits this long for the agents' answers, then leaves


@dataclass
class AgentFigures:
    offers: dict[str, float] = field(default_factory=dict)  # customer name -> arrival
    duplicate_offers: int = 0
    sent: set[str] = field(default_factory=set)  # acknowledged bodies
    seen: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    logged_in: int = 0


async def agent_loop(
    base: str,
    session: str,
    figures: AgentFigures,
    stop: asyncio.Event,
    gate: asyncio.Semaphore,
    ready: asyncio.Event,
) -> None:
    import websockets

    uri = base.replace("http", "ws") + "/ws/desktop/"
    headers = {"Cookie": f"sessionid={session}", "Origin": base}
    async with gate:
        ws = await websockets.connect(uri, additional_headers=headers, max_size=2**22)
        await ws.send(json.dumps({"type": "hello"}))
        await ws.send(json.dumps({"type": "presence", "state": "available", "ref": "login"}))
        while True:  # logged in when the presence is acknowledged
            frame = json.loads(await asyncio.wait_for(ws.recv(), LOGIN_TIMEOUT_S))
            if frame.get("type") == "ack" and frame.get("ref") == "login":
                break
            if frame.get("type") == "error":
                raise RuntimeError(f"login refused: {frame.get('code')}")
    figures.logged_in += 1
    ready.set()
    async with ws:
        replies: dict[int, int] = {}

        async def reply(contact_id: int) -> None:
            count = replies.get(contact_id, 0)
            if count >= EXCHANGES:
                return
            replies[contact_id] = count + 1
            body = f"agent:{contact_id}:{count}"
            frame = {"type": "message", "contact_id": contact_id, "client_id": body, "body": body}
            await ws.send(json.dumps(frame))

        seen_ids: set[tuple[int, int]] = set()
        offers_seen: set[tuple[int, str]] = set()
        while not stop.is_set():
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=0.5)
            except TimeoutError:
                continue
            arrived = time.perf_counter()
            frame = json.loads(raw)
            kind = frame.get("type")
            if kind == "offer.made":
                offer = (frame["contact_id"], frame["expires_at"])  # re-offers are new offers
                if offer in offers_seen:
                    figures.duplicate_offers += 1
                offers_seen.add(offer)
                figures.offers.setdefault(frame["customer_name"], arrived)
                await ws.send(json.dumps({"type": "accept", "contact_id": frame["contact_id"]}))
            elif kind == "chat.opened":
                chat = frame["chat"]
                for message in chat["messages"]:
                    if message["sender"] == "customer":
                        seen_ids.add((chat["contact_id"], message["id"]))
                        figures.seen[message["body"]] += 1
                await reply(chat["contact_id"])
            elif kind == "chat.message":
                message, contact_id = frame["message"], frame["contact_id"]
                if message["sender"] == "customer":
                    figures.seen[message["body"]] += 1  # strict: a number sent twice counts
                    if (contact_id, message["id"]) in seen_ids:
                        continue
                    seen_ids.add((contact_id, message["id"]))
                    await reply(contact_id)
                elif message["event"] == "customer_left":
                    frame = {"type": "wrap_up", "contact_id": contact_id, "reason": "resolved"}
                    await ws.send(json.dumps(frame))
            elif kind == "ack" and frame.get("client_id"):
                figures.sent.add(frame["client_id"])
            elif kind == "error":
                figures.errors[frame["code"]] += 1


async def run_agents(base: str, sessions: list[str]) -> None:
    """The agents' process: log in, say `ready`, work until `stop`, print figures."""
    figures = AgentFigures()
    stop = asyncio.Event()
    gate = asyncio.Semaphore(LOGIN_CONCURRENCY)
    began = time.perf_counter()
    readies = [asyncio.Event() for _ in sessions]
    tasks = [
        asyncio.create_task(agent_loop(base, s, figures, stop, gate, r))
        for s, r in zip(sessions, readies, strict=True)
    ]

    async def all_ready() -> None:
        for ready in readies:
            await ready.wait()

    done = asyncio.create_task(all_ready())
    waiting: set[asyncio.Task[None]] = {done, *tasks}
    while not done.done():  # until all are in, the time is up, or every other one failed
        left = LOGIN_TIMEOUT_S - (time.perf_counter() - began)
        finished, waiting = await asyncio.wait(
            waiting, timeout=max(left, 0), return_when=asyncio.FIRST_COMPLETED
        )
        failed = sum(t.done() for t in tasks)
        if not finished or (failed and failed + figures.logged_in >= len(tasks)):
            break
    login_s = time.perf_counter() - began
    print(f"ready {figures.logged_in} {login_s:.1f}", flush=True)
    await asyncio.to_thread(sys.stdin.readline)  # "stop"
    stop.set()
    for result in await asyncio.gather(*tasks, return_exceptions=True):
        if isinstance(result, BaseException):
            figures.errors[type(result).__name__] += 1
    print(
        json.dumps(
            {
                "offers": figures.offers,
                "duplicate_offers": figures.duplicate_offers,
                "sent": sorted(figures.sent),
                "seen": dict(figures.seen),
                "errors": dict(figures.errors),
                "logged_in": figures.logged_in,
                "login_s": round(login_s, 1),
                "cpu_s": round(time.process_time(), 1),
            }
        ),
        flush=True,
    )


# -- customers (in the bench's own process) ------------------------------------------------


@dataclass
class CustomerFigures:
    started: dict[str, float] = field(default_factory=dict)  # customer name -> t0
    posted: dict[str, float] = field(default_factory=dict)  # the form's answer came
    left: dict[str, float] = field(default_factory=dict)  # the customer stopped waiting
    sent: set[str] = field(default_factory=set)  # acknowledged bodies
    seen: Counter[str] = field(default_factory=Counter)
    done: int = 0
    failed: int = 0
    errors: Counter[str] = field(default_factory=Counter)


async def _post(base: str, path: str, data: dict[str, Any]) -> dict[str, Any]:
    """A JSON POST over a fresh connection, on the event loop (no thread per request)."""
    host, _, port = base.removeprefix("http://").partition(":")
    body = json.dumps(data).encode()
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        writer.write(head.encode() + body)
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), 30)
    finally:
        writer.close()
    status_line, _, rest = raw.partition(b"\r\n")
    status = int(status_line.split()[1])
    payload = rest.partition(b"\r\n\r\n")[2]
    if status >= 300:
        raise RuntimeError(f"POST {path}: HTTP {status} {payload[:200]!r}")
    return json.loads(payload)  # type: ignore[no-any-return]


async def customer(base: str, name: str, figures: CustomerFigures, *, measure: bool = True) -> bool:
    """Post the form with a first message, then exchange EXCHANGES messages; True if done.
    The customer waits up to PATIENCE_S for the agents' answers, then leaves."""
    if measure:
        figures.started[name] = time.perf_counter()
    try:
        return await _chat(base, name, figures, measure=measure)
    finally:
        if measure:
            figures.left[name] = time.perf_counter()


async def _chat(base: str, name: str, figures: CustomerFigures, *, measure: bool) -> bool:
    import websockets

    first = f"{name}:0"
    answer = await _post(
        base, "/chat/start", {"topic": "bench", "name": name, "message": first, "client_id": first}
    )
    if measure:
        figures.posted[name] = time.perf_counter()
    figures.sent.add(first)
    uri = base.replace("http", "ws") + "/ws/chat/"
    async with websockets.connect(uri, additional_headers={"Origin": base}) as ws:
        await ws.send(json.dumps({"type": "hello", "token": answer["token"]}))
        got = 0
        seen: set[int] = set()
        deadline = time.monotonic() + PATIENCE_S
        while got < EXCHANGES and time.monotonic() < deadline:
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=5)
            except TimeoutError:
                continue
            frame = json.loads(raw)
            if frame["type"] == "ack":
                figures.sent.add(frame["client_id"])
            elif frame["type"] == "message" and frame["message"]["sender"] == "agent":
                message = frame["message"]
                figures.seen[message["body"]] += 1  # strict: a number sent twice counts
                if message["id"] in seen:
                    continue
                seen.add(message["id"])
                got += 1
                if got < EXCHANGES:
                    body = f"{name}:{got}"
                    await ws.send(json.dumps({"type": "message", "client_id": body, "body": body}))
        ok = got == EXCHANGES
        if measure:
            figures.done += ok
            figures.failed += not ok
        await ws.send(json.dumps({"type": "end"}))
        await asyncio.sleep(0.2)
    return ok


if __name__ == "__main__":
    asyncio.run(run_agents(sys.argv[1], json.loads(sys.stdin.readline())))
