"""bench.voice_load's browser agents: the agent desktop with its softphone (SIP.js over Kamailio's
WebSocket, media through rtpengine as DTLS-SRTP) in headless Chromium, one browser context per
agent (its own session cookie), fake microphone, every ringing call answered at once by the
offer card's Answer button, as an agent does.

Also the web side they need: a private Redis (the channel layer the router, the voice service and
the web server share) and uvicorn serving the desktop. Every process is stopped by its PID.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.chat_load_server import process_tree

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
# Chromium's metrics of a page's main thread the bench reports: seconds so far, passes so far.
DESKTOP_METRICS = (
    "TaskDuration",
    "ScriptDuration",
    "RecalcStyleDuration",
    "LayoutDuration",
    "RecalcStyleCount",
    "LayoutCount",
)
# A ringing call's Answer button (the offer card's), clicked as soon as it is there and enabled:
# watched by a MutationObserver, not polled (polling 30 pages every 100 ms costs the harness CPU
# the stack would not get).
AUTO_ANSWER = """() => {
  const answer = () => {
    for (const button of document.querySelectorAll("[data-testid=accept]")) {
      if (!button.disabled && !button.dataset.benchClicked) {
        button.dataset.benchClicked = "1";
        button.click();
      }
    }
  };
  new MutationObserver(answer).observe(document.body, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["disabled"],
  });
  answer();
}"""


class ChromiumThreads:
    """Where the agents' browsers spend their CPU while the calls run: every Chromium thread
    under Playwright's driver read every second (`chromium_threads`), so that the threads of a
    call that ended (its audio processing, its playout) count too, up to their last reading."""

    def __init__(self, driver_pid: int) -> None:
        self.driver_pid = driver_pid
        self.first: dict[tuple[int, int], float] = {}
        self.last: dict[tuple[int, int], tuple[str, float]] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name="chromium-threads", daemon=True)

    def start(self) -> ChromiumThreads:
        read = chromium_threads(self.driver_pid)
        self.first = {key: seconds for key, (_, seconds) in read.items()}
        self.thread.start()
        return self

    def stop(self) -> dict[str, float]:
        """CPU seconds since `start`, by process kind and thread name."""
        self.done.set()
        self.thread.join(10)
        used: defaultdict[str, float] = defaultdict(float)
        for key, (name, seconds) in self.last.items():
            used[name] += seconds - self.first.get(key, 0.0)
        return dict(used)

    def _run(self) -> None:
        while not self.done.wait(1.0):
            self.last.update(chromium_threads(self.driver_pid))
        self.last.update(chromium_threads(self.driver_pid))


def chromium_threads(driver_pid: int) -> dict[tuple[int, int], tuple[str, float]]:
    """Every Chromium thread under Playwright's driver now: (pid, tid) -> its process kind
    and name (`renderer/WebRTC_W_and_N`, `utility:AudioService/AudioProcessing`, …) and its
    CPU seconds so far."""
    tick = os.sysconf("SC_CLK_TCK")
    threads: dict[tuple[int, int], tuple[str, float]] = {}
    for pid in process_tree(driver_pid):
        with contextlib.suppress(OSError, ValueError, IndexError):
            arguments = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").split()
            kind = "browser"
            for argument in arguments:
                if argument.startswith(b"--type="):
                    kind = argument.removeprefix(b"--type=").decode()
                elif argument.startswith(b"--utility-sub-type="):
                    kind += ":" + argument.decode().rsplit(".", 1)[-1]
            for task in Path(f"/proc/{pid}/task").iterdir():
                with contextlib.suppress(OSError, ValueError, IndexError):
                    stat = (task / "stat").read_text()
                    name = stat[stat.index("(") + 1 : stat.rindex(")")]
                    fields = stat.rsplit(")", 1)[1].split()
                    seconds = (int(fields[11]) + int(fields[12])) / tick
                    threads[pid, int(task.name)] = (f"{kind}/{name}", seconds)
    return threads


def chromium_share(thread: str) -> str:
    """What a Chromium thread works for: `audio` (capture, processing, playout), `webrtc`
    (RTP, SRTP, ICE and their sockets), `page` (the desktop's code, style, layout, drawing), or
    `other` (the browser process, Playwright's driver)."""
    kind, name = thread.split("/", 1)
    if kind.endswith("AudioService") or name.startswith(("Audio", "ThreadPoolAudio")):
        return "audio"
    if name.startswith("WebRTC") or kind.endswith("NetworkService"):
        return "webrtc"
    if kind in ("renderer", "gpu-process") and name in (
        "chromium",
        "Compositor",
        "VizCompositorTh",
        "CompositorTileW",
    ):
        return "page"
    return "other"


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
    devtools: list[Any] = field(default_factory=list)  # a CDP session per page (its metrics)

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
            devtools = context.new_cdp_session(page)
            devtools.send("Performance.enable")
            self.devtools.append(devtools)
        for page in self.pages:
            page.wait_for_selector("#desk[data-online='1']")
            page.wait_for_selector("[data-testid=softphone-line][data-line=registered]")
            page.evaluate(AUTO_ANSWER)
            # the desktop signs an agent in not ready: they say when they are available
            page.select_option("[data-testid=state]", "available")

    def trace(self, path: Path, seconds: float) -> None:
        """A Chromium performance trace of the first desktop page for `seconds` (open it in
        chrome://tracing or Perfetto): what its main thread does during a call."""
        self.browser.start_tracing(
            page=self.pages[0],
            path=str(path),
            categories=[
                "devtools.timeline",
                "disabled-by-default-devtools.timeline",
                "disabled-by-default-devtools.timeline.invalidationTracking",
                "v8",
            ],
        )
        time.sleep(seconds)
        self.browser.stop_tracing()

    def main_thread_s(self) -> dict[str, float]:
        """What the desktop pages' main threads have done so far, summed over the pages, in
        seconds (Chromium's `Performance` metrics): every task, and of it the script, the
        style, the layout; and how many style and layout passes. The page's own cost (the
        desktop's code and its rendering), apart from the media pipeline's threads."""
        totals = dict.fromkeys(DESKTOP_METRICS, 0.0)
        for devtools in self.devtools:
            for metric in devtools.send("Performance.getMetrics")["metrics"]:
                if metric["name"] in totals:
                    totals[metric["name"]] += metric["value"]
        return totals

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
