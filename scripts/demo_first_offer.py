"""How long an agent left free by the demo traffic waits for a first offer.

Against a running `make demo` (or `relais serve --demo-traffic`): for each round and each
agent, log in through the login page, open the desktop's WebSocket, go available, time
the first `offer.made`, reject it (the contact goes back to its place) and log out; then
wait before the next agent. Prints one line per attempt (docs/demo.md has figures).

    uv run python scripts/demo_first_offer.py [--url http://127.0.0.1:8000] \
        [--agents camille.durand,youssef.el-amrani] [--rounds 3] [--limit 120] [--pause 20]
"""

from __future__ import annotations

import argparse
import asyncio
import time

from relais.demo.traffic.net import login, open_socket, receive, send

FREE = "camille.durand,youssef.el-amrani,andrei.popescu,nathalie.girard"


async def first_offer(base: str, username: str, password: str, limit_s: float) -> float | None:
    """Seconds from going available to the first offer; None when none came in `limit_s`."""
    ws = await open_socket(base, "/ws/desktop/", await login(base, username, password))
    try:
        await send(ws, type="hello")
        await send(ws, type="presence", state="available")
        began = time.monotonic()
        while time.monotonic() - began < limit_s:
            frame = await receive(ws, 1.0)
            if frame is not None and frame.get("type") == "offer.made":
                waited = time.monotonic() - began
                await send(ws, type="reject", contact_id=frame["contact_id"])
                return waited
        return None
    finally:
        await send(ws, type="presence", state="offline")
        await receive(ws, 1.0)
        await ws.close()


async def main(args: argparse.Namespace) -> None:
    for number in range(args.rounds):
        for username in args.agents.split(","):
            waited = await first_offer(args.url.rstrip("/"), username, args.password, args.limit)
            shown = f"{waited:.1f} s" if waited is not None else f"none within {args.limit:.0f} s"
            print(f"round {number} {username}: first offer after {shown}", flush=True)
            await asyncio.sleep(args.pause)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--agents", default=FREE)
    parser.add_argument("--password", default="lumiere-demo", help="the demo's (relais demo)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=float, default=120.0)
    parser.add_argument("--pause", type=float, default=20.0)
    asyncio.run(main(parser.parse_args()))
