"""bench.voice_load's browser agents: the agent desktop with its softphone (SIP.js over Kamailio's
WebSocket, media through rtpengine as DTLS-SRTP) in headless Chromium, one browser context per
agent (its own session cookie), fake microphone, every ringing call answered at once by the
offer card's Answer button, as an agent does.

Also the web side they need: a private Redis (the channel layer the router, the voice service and
the web server share) and uvicorn serving the desktop. Every process is stopped by its PID.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
    "--allow-loopback-in-peer-connection",  # a network namespace with loopback only
]
# Every 100 ms: a ringing call's Answer button (the offer card's), clicked as soon as enabled.
AUTO_ANSWER = """() => setInterval(() => {
  for (const button of document.querySelectorAll("[data-testid=accept]")) {
    if (!button.disabled && !button.dataset.benchClicked) {
      button.dataset.benchClicked = "1";
      button.click();
    }
  }
}, 100)"""


def seed_browser_agents(count: int, number: str) -> None:
    """(In a child process with the bench's environment, after bench.voice_load.seed.) A second
    voice queue and its `number`, `count` agents on the softphone (no desk phone line), a session
    each; prints the session keys as JSON."""
    import json

    import django

    django.setup()
    from bench.chat_load_server import signed_in
    from relais.apps.accounts.models import Role, User
    from relais.apps.organisation.models import Agent, Employment, Site
    from relais.apps.routing.models import Channel, OverflowStep, Queue
    from relais.apps.voice.models import Number

    queue = Queue.objects.create(
        code="bench-voice-web",
        name_fr="Banc (navigateur)",
        name_en="Bench (browser)",
        channel=Channel.VOICE,
        offer_timeout_seconds=30,
    )
    OverflowStep.objects.create(queue=queue, order=0, after_seconds=0)
    Number.objects.create(number=number, queue=queue, label="Bench (browser)")
    site = Site.objects.get(name="Bench")
    users = []
    for index in range(count):
        user = User.objects.create(
            username=f"bench.web{index}",
            role=Role.AGENT,
            password="!",  # noqa: S106 (unusable: signed in by session)
        )
        Agent.objects.create(user=user, site=site, employment=Employment.INTERNAL)
        users.append(user)
    _only_queue(queue, users)
    print(json.dumps(signed_in(users)), flush=True)


def _only_queue(queue: Any, users: list[Any]) -> None:
    """The browser agents serve the browser queue only, the desk-phone agents the other one: a
    skill each queue needs and only its agents have."""
    from relais.apps.organisation.models import Agent, AgentSkill, Skill
    from relais.apps.routing.models import Queue, QueueSkill

    for code, target, agents in (
        ("bench-web", queue, Agent.objects.filter(user__in=users)),
        (
            "bench-desk",
            Queue.objects.get(code="bench-voice"),
            Agent.objects.filter(user__username__startswith="bench.voice"),
        ),
    ):
        skill = Skill.objects.create(code=code, name_en=code, name_fr=code)
        QueueSkill.objects.create(queue=target, skill=skill, min_level=1)
        AgentSkill.objects.bulk_create(
            AgentSkill(agent=agent, skill=skill, level=1) for agent in agents
        )


def start_redis(work: Path) -> tuple[subprocess.Popen[bytes], str]:
    from bench.chat_load_server import free_port

    port = free_port()
    log = (work / "redis.log").open("wb")
    process = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=log,
        stderr=log,
    )
    deadline = time.monotonic() + 10
    while (
        subprocess.run(
            ["redis-cli", "-p", str(port), "ping"], capture_output=True, check=False
        ).stdout.strip()
        != b"PONG"
    ):
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError(f"redis-server did not start: {work / 'redis.log'}")
        time.sleep(0.1)
    return process, f"redis://127.0.0.1:{port}/0"


def start_web(env: dict[str, str], work: Path, port: int) -> subprocess.Popen[bytes]:
    """uvicorn serving the desktop (one process; the router runs as its own)."""
    log = (work / "web.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from bench.chat_load_server import serve; serve({port}, 1, 'process')",
        ],
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        stdout=log,
        stderr=log,
    )
    import urllib.request

    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2):
                return process
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"the web server did not start: {work / 'web.log'}") from None
            time.sleep(0.3)


@dataclass
class BrowserAgents:
    """Headless Chromium (Playwright), a context per agent on the desktop, phones registered."""

    base: str
    sessions: list[str]
    playwright: Any = None
    browser: Any = None
    pages: list[Any] = field(default_factory=list)

    def start(self, *, timeout_s: float = 120) -> None:
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
        )
        for session in self.sessions:
            context = self.browser.new_context(locale="en")
            context.set_default_timeout(timeout_s * 1000)
            context.add_cookies([{"name": "sessionid", "value": session, "url": self.base}])
            page = context.new_page()
            page.goto(f"{self.base}/desktop/")
            self.pages.append(page)
        for page in self.pages:
            page.wait_for_selector("#desk[data-online='1']")
            page.wait_for_selector("[data-testid=softphone-line][data-line=registered]")
            page.evaluate(AUTO_ANSWER)
            # the desktop signs an agent in not ready: they say when they are available
            page.select_option("[data-testid=state]", "available")

    @property
    def driver_pid(self) -> int | None:
        """Playwright's driver process (Chromium runs under it): for its CPU."""
        own = os.getpid()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(stat[1]) == own and b"playwright" in (entry / "cmdline").read_bytes():
                    return int(entry.name)
            except (OSError, IndexError, ValueError):
                continue
        return None

    def stop(self) -> None:
        if self.browser is not None:
            try:
                self.browser.close()
            finally:
                self.browser = None
        if self.playwright is not None:
            self.playwright.stop()
            self.playwright = None
