"""The clients of `bench.routing_service`, threads of the bench's process: the API clients
creating contacts, the watcher that sees offers committed, and the agents' desks accepting
and completing them through the API with their own tokens."""

from __future__ import annotations

import heapq
import logging
import random
import sys
import threading
import time

ROUTER_START_S = 120.0
# SessionAuth checks CSRF before the bearer token is tried: send a matching CSRF cookie and
# header, as a browser would
CSRF = "b" * 32


class Watcher(threading.Thread):
    """Notes when each created contact is first seen offered (committed), and to whom."""

    def __init__(self, desks: Desks) -> None:
        super().__init__(daemon=True)
        self.desks = desks
        self.pending: dict[int, float] = {}  # contact -> request sent at
        self.sent: dict[int, float] = {}
        self.requests: list[float] = []  # how long each create request took
        self.offered: dict[int, tuple[float, int]] = {}  # contact -> (seen at, agent)
        self.last_offer = time.perf_counter()
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def add(self, contact_id: int, sent_at: float) -> None:
        with self.lock:
            self.pending[contact_id] = sent_at
            self.sent[contact_id] = sent_at

    def run(self) -> None:
        from django.db import connection

        from relais.apps.interactions.models import Contact

        while not self.stop.is_set():
            with self.lock:
                ids = list(self.pending)
            if ids:
                seen = Contact.objects.filter(pk__in=ids, offered_at__isnull=False).values_list(
                    "pk", "agent_id"
                )
                now = time.perf_counter()
                with self.lock:
                    for pk, agent in seen:
                        self.pending.pop(pk)
                        self.offered[pk] = (now, agent)
                        self.last_offer = now
                for pk, agent in seen:
                    self.desks.offered(pk, agent, now)
            time.sleep(0.005)
        connection.close()


class Desks:
    """The agents, through the API with their own tokens: accept each offer 0.3-1 s after it
    is seen, complete it after an exponential handling time."""

    def __init__(self, port: int, tokens: dict[int, str], handle_s: float, workers: int) -> None:
        self.port = port
        self.tokens = tokens
        self.handle_s = handle_s
        self.rng = random.Random(7)
        self.due: list[tuple[float, int, str, int, int]] = []  # (at, seq, action, contact, agent)
        self.seq = 0
        self.completes: dict[int, list[float]] = {}  # agent -> complete requests sent at
        self.errors: dict[str, int] = {}
        self.cond = threading.Condition()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._work, daemon=True) for _ in range(workers)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def offered(self, contact_id: int, agent_id: int, seen_at: float) -> None:
        self._plan(seen_at + self.rng.uniform(0.3, 1.0), "accept", contact_id, agent_id)

    def _plan(self, at: float, action: str, contact_id: int, agent_id: int) -> None:
        with self.cond:
            self.seq += 1
            heapq.heappush(self.due, (at, self.seq, action, contact_id, agent_id))
            self.cond.notify()

    def _work(self) -> None:
        import httpx

        with httpx.Client(base_url=f"http://127.0.0.1:{self.port}") as client:
            while not self.stop.is_set():
                with self.cond:
                    while not self.stop.is_set():
                        wait = self.due[0][0] - time.perf_counter() if self.due else 0.1
                        if self.due and wait <= 0:
                            _, _, action, contact_id, agent_id = heapq.heappop(self.due)
                            break
                        self.cond.wait(min(wait, 0.1))
                    else:
                        return
                token = self.tokens[agent_id]
                sent = time.perf_counter()
                if action == "complete":
                    with self.cond:
                        self.completes.setdefault(agent_id, []).append(sent)
                response = client.post(
                    f"/api/v1/contacts/{contact_id}/{action}",
                    headers={"Authorization": f"Bearer {token}", "X-CSRFToken": CSRF},
                    cookies={"csrftoken": CSRF},
                    timeout=30,
                )
                if response.status_code != 200:
                    with self.cond:
                        key = f"{action} {response.status_code}"
                        self.errors[key] = self.errors.get(key, 0) + 1
                elif action == "accept":
                    handled = time.perf_counter() + self.rng.expovariate(1 / self.handle_s)
                    self._plan(handled, "complete", contact_id, agent_id)


def create_contacts(port: int, token: str, until: float, watcher: Watcher) -> None:
    import httpx

    logging.getLogger("httpx").setLevel(logging.WARNING)
    headers = {"Authorization": f"Bearer {token}", "X-CSRFToken": CSRF}
    with httpx.Client(
        base_url=f"http://127.0.0.1:{port}", headers=headers, cookies={"csrftoken": CSRF}
    ) as client:
        while time.perf_counter() < until:
            sent = time.perf_counter()
            response = client.post("/api/v1/contacts", json={"queue": "bench"}, timeout=30)
            if response.status_code == 201:
                watcher.add(response.json()["id"], sent)
                watcher.requests.append(time.perf_counter() - sent)
            else:
                print(f"refused: {response.status_code} {response.text[:200]}", file=sys.stderr)
                return


def wait_for_router(port: int, token: str) -> float:
    """One contact created and offered, then abandoned: the router has started (on a busy
    machine it may take far longer than the web server). Returns the seconds it took."""
    import httpx
    from django.db import connection

    from relais.apps.interactions.models import Contact

    headers = {"Authorization": f"Bearer {token}", "X-CSRFToken": CSRF}
    started = time.perf_counter()
    with httpx.Client(
        base_url=f"http://127.0.0.1:{port}", headers=headers, cookies={"csrftoken": CSRF}
    ) as client:
        pk = client.post("/api/v1/contacts", json={"queue": "bench"}, timeout=30).json()["id"]
        while not Contact.objects.filter(pk=pk, offered_at__isnull=False).exists():
            if time.perf_counter() - started > ROUTER_START_S:
                raise SystemExit("the router did not offer a first contact")
            time.sleep(0.05)
        client.post(f"/api/v1/contacts/{pk}/abandon", timeout=30)
    connection.close()
    return time.perf_counter() - started
