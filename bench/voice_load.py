"""Calls under load through the whole voice stack: SIPp callers -> Kamailio -> `relais voice`
(queue, route, ring; media through rtpengine) -> SIP desk phones (a SIPp UAS answering at once
and echoing RTP) and browser agents (headless Chromium on the agent desktop with the softphone,
fake microphone, Answer clicked as soon as the call rings).

    uv run python -m bench.voice_load [--concurrent N] [--calls C] [--browser-agents M]
        [--browser-calls B] [--rate R] [--hold-s S] [--database-url postgres://postgres@/postgres]

Run as root (the voice tests' way): the bench re-enters itself in a loopback-only network
namespace (scripts/in-netns), so PostgreSQL is reached over its unix socket (the default URL;
only used to create and drop a scratch database). Full size (issue 17's targets, 2 cores; run
them on a quiet machine, one at a time):

    uv run python -m bench.voice_load --concurrent 200 --calls 400 --rate 20 --hold-s 30
    uv run python -m bench.voice_load --concurrent 0 --browser-agents 30 --browser-calls 60 \
        --rate 5 --hold-s 30
    uv run python -m bench.voice_load --concurrent 200 --browser-agents 30 --rate 20 --hold-s 30

Over the scratch database: a voice queue and its number for `--concurrent` desk-phone agents,
another for `--browser-agents` agents (a skill each, so neither takes the other's calls); a
private Redis (the channel layer), the stack (rtpengine, Kamailio), `relais router`, `relais
voice` and, with browser agents, uvicorn serving the desktop, on free ports. One SIPp UAC per
kind of agent places its calls at `--rate` per second, at most `--concurrent` (or
`--browser-agents`) at once, each streaming G.711 A-law for `--hold-s`. Each kind has a tenth
more agents than calls at once (`with_spares`, at least one): SIPp places a new call as soon as
one ends, before the record has freed that call's agent, and with no spare agent that call
would wait in the queue; the setup time measures the path, not a queue with nobody free.
Every process is stopped by its PID at the end, on failure too (Run.stop); the logs stay in the
printed directory.

Figures: `concurrent_calls` (both kinds), `calls`, `failed_calls` (SIPp's), `setup_p50_ms` /
`setup_p99_ms` (the call's record created -> the agent's phone ringing, `call.ringing` in the
event log), `rtp_packet_ratio` (RTP packets rtpengine delivered to agents and callers / those
expected: 50 a second to each caller for the whole call, and to its agent from the agent's
answer on; `rtp_packet_ratio_whole_call` expects the callers' whole streams at the agents too;
counted by dumpcap on the loopback since SIPp 3.6.1 counts no received RTP; the per-hop counts
beside it), `cpu_pct_<component>` (CPU seconds /
wall seconds of rtpengine, kamailio, voice, router, web, redis, chromium: Chromium and
Playwright's driver together), and with browser agents `desktop_task_pct` (the desktop pages'
main threads together, Chromium's `Performance` metrics: the desktop's code and rendering, apart
from the media threads) with its `desktop_script_pct`, `desktop_recalcstyle_pct` and
`desktop_layout_pct`, and the style and layout passes a second per page
(`desktop_recalcstylecount_per_page_s`, `desktop_layoutcount_per_page_s`); Chromium's CPU
by what it works for, `cpu_pct_chromium_audio` (capture, audio processing, playout),
`_webrtc` (RTP, SRTP, ICE), `_page` (the desktops' main threads and drawing) and `_other`, with
its busiest threads printed above the JSON. The machine must be quiet for the figures to mean
anything. Last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench import emit, row
from bench.chat_load_server import cpu_seconds, drop_postgres, free_port, scratch_postgres
from bench.voice_browsers import ChromiumThreads, chromium_share
from relais.apps.voice.stack.sipp import SIPP as SIPP_BASE
from relais.apps.voice.stack.sipp import caller_scenario, desk_phone_scenario, tone_wav

ROOT = Path(__file__).resolve().parent.parent
DIALLED = "+33199000199"  # the desk-phone agents' queue
DIALLED_WEB = "+33199000198"  # the browser agents' queue
PACKETS_PER_S = 50  # G.711 in 20 ms packets
SIP_SECRET = "bench"  # noqa: S105 (Kamailio's and the softphones' shared secret, this run only)
SIPP = [*SIPP_BASE, "-trace_stat", "-stf"]


def with_spares(calls_at_once: int) -> int:
    """The agents of one kind: the calls at once and a tenth more (at least one; none for no
    calls), so a call never waits for the agent of the call that just ended."""
    return calls_at_once + max(1, -(-calls_at_once // 10)) if calls_at_once else 0


def seed(agents: int, phone_port: int) -> None:
    """(In a child process with the bench's environment.) Migrate; one voice queue open to
    everyone, its number, `agents` agents whose desk phone is the SIPp UAS on `phone_port`."""
    import django

    django.setup()
    from django.core.management import call_command

    from relais.apps.accounts.models import Role, User
    from relais.apps.organisation.models import Agent, Employment, Site, SiteKind
    from relais.apps.routing.models import Channel, OverflowStep, Queue
    from relais.apps.voice.models import AgentLine, LineKind, Number

    call_command("migrate", verbosity=0)
    site = Site.objects.create(
        name="Bench", kind=SiteKind.INSHORE, country="FR", time_zone="Europe/Paris"
    )
    queue = Queue.objects.create(
        code="bench-voice",
        name_fr="Banc",
        name_en="Bench",
        channel=Channel.VOICE,
        offer_timeout_seconds=30,
    )
    OverflowStep.objects.create(queue=queue, order=0, after_seconds=0)
    Number.objects.create(number=DIALLED, queue=queue, label="Bench")
    for index in range(agents):
        user = User.objects.create(
            username=f"bench.voice{index}",
            role=Role.AGENT,
            password="!",  # noqa: S106 (unusable)
        )
        agent = Agent.objects.create(user=user, site=site, employment=Employment.INTERNAL)
        AgentLine.objects.create(
            agent=agent,
            kind=LineKind.DESK_PHONE,
            static_contact=f"sip:agent-{agent.pk}@127.0.0.1:{phone_port}",
        )


def keep_desks() -> None:
    """(In a child process, once the browser agents' pages are online.) Every desk-phone
    agent's desk connected, every agent logged in, leases kept fresh, until killed."""
    import django

    django.setup()
    from relais.apps.desktop.services import desk_connected
    from relais.apps.interactions import services
    from relais.apps.interactions.selectors import presence_of
    from relais.apps.organisation.models import Agent
    from relais.apps.realtime.services import leases_heartbeat

    for agent in Agent.objects.select_related("user"):
        if agent.user.username.startswith("bench.voice"):  # a browser agent's desk is its page
            desk_connected(agent_id=agent.pk, channel_name=f"bench-desk-{agent.pk}")
        presence = presence_of(agent_id=agent.pk)
        if presence is None or not presence.logged_in:  # the desktop may have logged it in
            services.agent_login(actor=agent.user, agent=agent)
    print("desks ready", flush=True)
    while True:
        time.sleep(2)
        leases_heartbeat()


def figures_from_record(timeline: str = "") -> dict[str, Any]:
    """(In a child process.) Setup times from the record: call created -> agent ringing; with
    `timeline`, a CSV of each call's times there (ms after the first call arrived)."""
    import django

    django.setup()
    from relais.apps.interactions.models import ContactEvent, EventKind
    from relais.apps.voice.models import Call

    created = dict(Call.objects.values_list("contact_id", "created_at"))
    dialled = dict(Call.objects.values_list("contact_id", "number__number"))

    def first(kind: str) -> dict[int, Any]:
        """When each contact's first line of `kind` was written."""
        found: dict[int, Any] = {}
        for contact_id, at in (
            ContactEvent.objects.filter(kind=kind).order_by("id").values_list("contact_id", "at")
        ):
            found.setdefault(contact_id, at)
        return found

    ringing = first(EventKind.CALL_RINGING)
    setups = sorted(
        (ringing[pk] - created[pk]).total_seconds() * 1000 for pk in ringing if pk in created
    )
    offered = first(EventKind.OFFER_MADE)
    answered_at = first(EventKind.CALL_ANSWERED)
    answer_waits: dict[str, list[float]] = {}
    for pk, at in answered_at.items():
        if pk in created:
            answer_waits.setdefault(dialled[pk], []).append((at - created[pk]).total_seconds())
    if timeline:
        from relais.apps.interactions.models import Contact

        recorded = dict(Contact.objects.filter(pk__in=created).values_list("pk", "created_at"))
        ended = first(EventKind.CALL_ENDED)
        _timeline(Path(timeline), created, recorded, offered, ringing, answered_at, ended)
    return {
        "recorded_calls": len(created),
        "agent_answered_calls": len(answered_at),
        "setups_ms": setups,
        # per number dialled: each answered call's INVITE -> the agent's answer recorded
        "answer_waits_s": answer_waits,
        # the two halves: the router's (call recorded -> offer) and the voice service's
        # (offer -> the agent's 180)
        "to_offer_ms": sorted(
            (offered[pk] - created[pk]).total_seconds() * 1000 for pk in offered if pk in created
        ),
        "offer_to_ring_ms": sorted(
            (ringing[pk] - offered[pk]).total_seconds() * 1000 for pk in ringing if pk in offered
        ),
    }


def _timeline(path: Path, created: dict[int, Any], *steps: dict[int, Any]) -> None:
    """contact, arrived (the INVITE), recorded (its contact written), offered, ringing,
    answered, ended (`call.ended` written): ms after the first call arrived."""
    if not created:
        return
    start = min(created.values())
    with path.open("w") as out:
        out.write("contact,arrived_ms,recorded_ms,offered_ms,ringing_ms,answered_ms,ended_ms\n")
        for pk, at in sorted(created.items(), key=lambda item: item[1]):
            times = [at, *(step.get(pk) for step in steps)]
            out.write(
                ",".join(
                    [str(pk)]
                    + [
                        "" if t is None else str(round((t - start).total_seconds() * 1000))
                        for t in times
                    ]
                )
                + "\n"
            )


def child(code: str, env: dict[str, str], **kwargs: Any) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT, text=True, **kwargs)


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    return values[min(len(values) - 1, int(share * len(values)))]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--concurrent", type=int, default=10, help="calls at once to SIP desk-phone agents"
    )
    parser.add_argument("--calls", type=int, default=0, help="default: 2 x --concurrent")
    parser.add_argument(
        "--browser-agents", type=int, default=0, help="calls at once to browser agents"
    )
    parser.add_argument("--browser-calls", type=int, default=0, help="default: 2 x the above")
    parser.add_argument(
        "--chromium-trace",
        default="",
        help="a Chromium trace of the first browser agent's page, 5 s mid-run, to this file",
    )
    parser.add_argument("--rate", type=float, default=5.0, help="new calls per second, each kind")
    parser.add_argument("--hold-s", type=float, default=10.0, help="each call's duration")
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@/postgres",
        help="a server to create the scratch database on (its unix socket: the bench runs in "
        "a loopback-only network namespace)",
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if not in_loopback_namespace():
        # Like the voice tests: loopback only (scripts/in-netns), so nothing leaves the machine.
        netns = str(ROOT / "scripts" / "in-netns")
        os.execv(netns, [netns, sys.executable, "-m", "bench.voice_load", *sys.argv[1:]])  # noqa: S606
    calls = args.calls or 2 * args.concurrent
    browser_calls = args.browser_calls or 2 * args.browser_agents
    figures: dict[str, Any] = {
        "concurrent_calls": args.concurrent + args.browser_agents,
        "calls": calls + browser_calls,
        "sip_agent_calls": calls,
        "browser_agents": args.browser_agents,
        "browser_agent_calls": browser_calls,
        "agents": with_spares(args.concurrent) + with_spares(args.browser_agents),
        "hold_s": args.hold_s,
    }
    from relais.apps.voice.stack.processes import voice_stack_missing

    missing = voice_stack_missing()
    if missing:
        print(f"voice_load: {missing}", file=sys.stderr)
        figures["error"] = missing
        emit(figures)
        return
    run = Run(args, Path(tempfile.mkdtemp(prefix="relais-voice-load-")))
    try:
        figures |= run.measure(calls, browser_calls)
        for key, value in figures.items():
            row(key, value if value is not None else "-")
    finally:
        run.stop()
    print(f"voice_load: logs in {run.work}", flush=True)
    emit(figures)


def in_loopback_namespace() -> bool:
    """Only the loopback interface here (/proc/net/dev is the namespace's; /sys/class/net is
    the host's unless sysfs is mounted again)."""
    lines = Path("/proc/net/dev").read_text().splitlines()[2:]
    return {line.split(":")[0].strip() for line in lines} <= {"lo"}


class Run:
    """One run: the scratch database, the stack and relais's processes, SIPp, the browsers.
    `stop` stops every process it started, by PID, whatever happened."""

    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        from relais.apps.voice.stack.kamailio import SipAddress
        from relais.apps.voice.stack.processes import VoiceStack

        self.args, self.work = args, work
        self.processes: dict[str, subprocess.Popen[Any]] = {}
        self.capture: Any = None
        self.browsers: Any = None
        self.database: str | None = None
        self.voice_port, self.phone_port, self.agent_media = free_port(), free_port(), free_port()
        self.stack = VoiceStack.on_free_ports(
            work / "stack",
            sip_domain="relais.invalid",
            sip_secret=SIP_SECRET,
            trunks=(SipAddress("127.0.0.1"),),
            voice_services=(SipAddress("127.0.0.1", self.voice_port),),
            # 2 legs x (RTP, RTCP) a call, and spare
            media_ports=max(200, 8 * (args.concurrent + args.browser_agents)),
            ds_ping_interval_s=1,
        )

    def measure(self, calls: int, browser_calls: int) -> dict[str, Any]:
        from relais.apps.voice.stack.capture import RtpCapture

        args = self.args
        env = self.start_relais()
        ports = range(self.stack.rtpengine.port_min, self.stack.rtpengine.port_max + 1)
        self.capture = RtpCapture(self.work / "rtp.pcapng").start(ports[0], ports[-1])
        measured = self.measured_pids()
        cpu_before = {part: cpu_seconds(pid) for part, pid in measured.items()}
        pages_before = self.browsers.main_thread_s() if self.browsers is not None else {}
        chromium = measured.get("chromium")
        sampler = ChromiumThreads(chromium).start() if chromium else None
        started = time.monotonic()
        callers: dict[str, tuple[subprocess.Popen[Any], int]] = {}
        for kind, dialled, count, limit in (
            ("sip", DIALLED, calls, args.concurrent),
            ("browser", DIALLED_WEB, browser_calls, args.browser_agents),
        ):
            if count:
                media = free_port()
                callers[kind] = (self.start_callers(kind, dialled, count, limit, media), media)
        timeout = (calls + browser_calls) / args.rate + args.hold_s * 4 + 120
        if args.chromium_trace and self.browsers is not None:  # mid-run, the calls all up
            time.sleep(browser_calls / args.rate / 2 + 5)
            self.browsers.trace(Path(args.chromium_trace).resolve(), 5)
        exits = {kind: process.wait(timeout) for kind, (process, _) in callers.items()}
        wall = time.monotonic() - started
        figures: dict[str, Any] = {}
        if sampler is not None:  # where Chromium's CPU goes: % of a core by share, busiest threads
            threads = sampler.stop()
            shares = dict.fromkeys(("audio", "webrtc", "page", "other"), 0.0)
            for thread, seconds in threads.items():
                shares[chromium_share(thread)] += seconds
            for kind, seconds in shares.items():
                figures[f"cpu_pct_chromium_{kind}"] = round(100 * seconds / wall, 1)
            for thread in sorted(threads, key=threads.__getitem__, reverse=True)[:12]:
                row(f"chromium {thread}", f"{100 * threads[thread] / wall:.1f} %")
        if self.browsers is not None:  # the desktops' main threads: % of a core, passes/s
            pages = max(1, len(self.browsers.pages))
            for metric, value in self.browsers.main_thread_s().items():
                used = (value - pages_before[metric]) / wall
                name = metric.removesuffix("Duration").lower()
                if metric.endswith("Count"):
                    figures[f"desktop_{name}_per_page_s"] = round(used / pages, 2)
                else:
                    figures[f"desktop_{name}_pct"] = round(100 * used, 1)
        for part, pid in measured.items():
            used = cpu_seconds(pid) - cpu_before[part]
            figures[f"cpu_pct_{part}"] = round(100 * used / wall, 1)
            # CPU seconds per call: less sensitive to other load on the machine than wall times
            figures[f"cpu_ms_per_call_{part}"] = round(
                1000 * used / max(1, calls + browser_calls), 1
            )
        counted = {kind: sipp_calls(self.work / f"callers-{kind}.csv") for kind in callers}
        unread = any(numbers["failed_calls"] < 0 for numbers in counted.values())
        figures["successful_calls"] = sum(n.get("successful_calls", 0) for n in counted.values())
        figures["failed_calls"] = -1 if unread else sum(n["failed_calls"] for n in counted.values())
        figures |= {f"sipp_exit_{kind}": code for kind, code in exits.items()}
        record = child(
            "import json; from bench.voice_load import figures_from_record as f; "
            f"print(json.dumps(f({str(self.work / 'calls.csv')!r})))",
            env,
            stdout=subprocess.PIPE,
        )
        output, _ = record.communicate(timeout=120)
        recorded = json.loads(output.strip().splitlines()[-1])
        setups = recorded["setups_ms"]
        figures |= rtp_figures(
            self.capture.flows(),
            ports,
            agent_media=self.agent_media,
            callers={kind: media for kind, (_, media) in callers.items()},
            expected_to_callers={
                "sip": calls * args.hold_s * PACKETS_PER_S,
                "browser": browser_calls * args.hold_s * PACKETS_PER_S,
            },
            expected_to_agents={
                kind: bridged_packets(
                    recorded["answer_waits_s"].get(dialled, []),
                    answer_times_s(self.work, callers[kind][0].pid) if kind in callers else [],
                    args.hold_s,
                )
                for kind, dialled in (("sip", DIALLED), ("browser", DIALLED_WEB))
            },
        )
        # SIPp's caller succeeds once the voice service answers it (then queues it): a call no
        # agent answered is a failed call too
        figures["recorded_calls"] = recorded["recorded_calls"]
        figures["agent_answered_calls"] = recorded["agent_answered_calls"]
        if figures["failed_calls"] >= 0:
            figures["failed_calls"] = max(
                figures["failed_calls"], calls + browser_calls - recorded["agent_answered_calls"]
            )
        for name, values in (
            ("setup", setups),
            ("to_offer", recorded["to_offer_ms"]),
            ("offer_to_ring", recorded["offer_to_ring_ms"]),
        ):
            for share in (0.5, 0.99):
                value = percentile(values, share)
                key = f"{name}_p{int(share * 100)}_ms"
                figures[key] = round(value, 1) if value is not None else None
        return figures

    def start_relais(self) -> dict[str, str]:
        """The database seeded, Redis, the stack, `relais router` and `relais voice`, the web
        server and browsers (with --browser-agents), the desks, the SIPp desk phones; returns
        the environment of relais's processes."""
        from bench.voice_browsers import BrowserAgents, start_redis, start_web
        from relais.apps.voice.stack.processes import sip_options_ping

        args, work = self.args, self.work
        url, self.database = scratch_postgres(args.database_url)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "RELAIS_DATA_DIR": str(work),
            "DJANGO_SETTINGS_MODULE": "relais.config.settings",
            "RELAIS_LOG_LEVEL": "INFO",
            "RELAIS_SIP_DOMAIN": "relais.invalid",
            "RELAIS_SIP_SECRET": SIP_SECRET,
            "RELAIS_SIP_WS_URL": self.stack.ws_url,
            # every process (the seed making sessions, the web server reading them) agrees
            "RELAIS_SECRET_KEY": secrets.token_urlsafe(50),
        }
        self.processes["redis"], env["REDIS_URL"] = start_redis(work)
        seed_code = (
            "from bench.voice_load import seed; "
            f"seed({with_spares(args.concurrent)}, {self.phone_port})"
        )
        if child(seed_code, env).wait():
            raise RuntimeError("seeding the database failed")
        sessions: list[str] = []
        if args.browser_agents:
            seeded = child(
                "from bench.voice_browsers import seed_browser_agents as s; "
                f"s({with_spares(args.browser_agents)}, {DIALLED_WEB!r})",
                env,
                stdout=subprocess.PIPE,
            )
            out, _ = seeded.communicate(timeout=300)
            sessions = json.loads(out.strip().splitlines()[-1])
        self.stack.start()
        relais = [sys.executable, "-m", "relais.cli"]
        ng_host, ng_port = self.stack.ng_address
        for part, command in (
            ("router", [*relais, "router", "--poll", "0.05"]),
            (
                "voice",
                [
                    *relais,
                    "voice",
                    "--sip",
                    f"127.0.0.1:{self.voice_port}",
                    "--ng",
                    f"{ng_host}:{ng_port}",
                    "--dtmf",
                    self.stack.dtmf_setting,
                    "--proxy",  # browser agents' registrations are Kamailio's
                    "{}:{}".format(*self.stack.sip_address),
                ],
            ),
        ):
            log = (work / f"{part}.log").open("wb")
            self.processes[part] = subprocess.Popen(command, env=env, stdout=log, stderr=log)
        if sessions:
            web_port = free_port()
            self.processes["web"] = start_web(env, work, web_port)
            self.browsers = BrowserAgents(f"http://127.0.0.1:{web_port}", sessions)
            self.browsers.start()
        desks = child(
            "from bench.voice_load import keep_desks; keep_desks()",
            env,
            stdout=subprocess.PIPE,
            stderr=(work / "desks.log").open("wb"),
        )
        self.processes["desks"] = desks
        assert desks.stdout is not None
        desks.stdout.readline()
        (work / "agent.xml").write_text(desk_phone_scenario())
        (work / "caller.xml").write_text(caller_scenario())
        tone_wav(work / "caller.wav", seconds=args.hold_s + 5)
        phones = [*SIPP, "agents.csv", "-sf", "agent.xml", "-p", str(self.phone_port)]
        phones += ["-mp", str(self.agent_media), "-rtp_echo"]
        self.processes["agents"] = subprocess.Popen(
            phones, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 120
        while not sip_options_ping(("127.0.0.1", self.voice_port)):  # 200: the active service
            if time.monotonic() > deadline:
                raise RuntimeError(f"relais voice did not become active: {work / 'voice.log'}")
            time.sleep(0.5)
        time.sleep(2.5)  # Kamailio's dispatcher probes it every second
        return env

    def start_callers(
        self, kind: str, dialled: str, calls: int, limit: int, media: int
    ) -> subprocess.Popen[Any]:
        args = self.args
        sip_host, sip_port = self.stack.sip_address
        command = [*SIPP, f"callers-{kind}.csv", "-sf", "caller.xml", f"{sip_host}:{sip_port}"]
        command += ["-s", dialled, "-mp", str(media), "-p", str(free_port())]
        command += ["-m", str(calls), "-r", str(args.rate), "-l", str(limit)]
        command += ["-d", str(int(args.hold_s * 1000)), "-timeout", f"{int(args.hold_s * 4 + 60)}s"]
        # each call's INVITE -> 200 (its stream starts then): caller_<pid>_rtt.csv, call by call
        command += ["-trace_rtt", "-rtt_freq", "1"]
        return subprocess.Popen(
            command, cwd=self.work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def measured_pids(self) -> dict[str, int]:
        """The components whose CPU the bench reports (each with its children)."""
        pids = {part: process.pid for part, process in self.stack.processes.items()}
        for part in ("voice", "router", "web", "redis"):
            if part in self.processes:
                pids[part] = self.processes[part].pid
        if self.browsers is not None and self.browsers.driver_pid:
            pids["chromium"] = self.browsers.driver_pid
        return pids

    def stop(self) -> None:
        if self.capture is not None:
            self.capture.stop()
        if self.browsers is not None:
            try:
                self.browsers.stop()
            except Exception as error:
                print(f"voice_load: stopping Chromium: {error}", file=sys.stderr)
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self.stack.stop()
        if self.database:
            drop_postgres(self.args.database_url, self.database)


def rtp_figures(
    flows: Counter[tuple[int, int]],
    rtpengine_ports: range,
    *,
    agent_media: int,
    callers: dict[str, int],
    expected_to_callers: dict[str, float],
    expected_to_agents: dict[str, float],
) -> dict[str, Any]:
    """RTP through rtpengine, from the loopback capture (packets per (source, destination)
    port). Each caller streams 50 packets a second for --hold-s from its SIPp's media port
    (`callers`: per kind, the port all that SIPp's calls share). For SIP agents rtpengine relays
    them to the desk phone (the SIPp UAS's media port `agent_media`), which echoes each back,
    and rtpengine relays the echo to the caller; for browser agents it relays them to the
    browser (DTLS-SRTP) and the browser's own microphone (20 ms packets) back to the caller.
    Expected (RTCP, on the ports above, is not counted): to the callers, 50 a second for the
    whole call (music, then the agent); to the agents, the caller's packets from the moment its
    agent's answer was recorded (`expected_to_agents`, `bridged_packets`: before it there is
    nobody to deliver them to, and rtpengine drops them by design). `rtp_packet_ratio` =
    packets rtpengine delivered both ways / expected both ways (each way at most what was
    expected: a browser's ICE may bring it the caller's packets while it is still ringing);
    `rtp_packet_ratio_whole_call` counts the callers' whole streams as expected at the agents
    too (the figure of the first measures, which mixed the setup time into the media's); the
    other counts tell which hop lost them."""

    def between(sources: Any, destinations: Any) -> int:
        return sum(n for (src, dst), n in flows.items() if src in sources and dst in destinations)

    known = {agent_media, *callers.values(), *(port + 1 for port in callers.values())}
    known.add(agent_media + 1)
    browsers = {
        port for pair in flows for port in pair if port not in rtpengine_ports and port not in known
    }
    to_agents = {
        "sip": between(rtpengine_ports, (agent_media,)),
        "browser": between(rtpengine_ports, browsers),
    }
    figures: dict[str, Any] = {}
    delivered = expected = whole_call = whole_delivered = 0.0
    for kind, media in callers.items():
        to_callers = between(rtpengine_ports, (media,))
        figures[f"rtp_{kind}_callers_sent"] = between((media,), rtpengine_ports)
        figures[f"rtp_to_{kind}_agents"] = to_agents[kind]
        figures[f"rtp_{kind}_agents_sent"] = between(
            (agent_media,) if kind == "sip" else browsers, rtpengine_ports
        )
        figures[f"rtp_to_{kind}_callers"] = to_callers
        # what was delivered of what had to be: a browser's ICE may bring it the caller's
        # packets while it rings, which are not counted in its favour
        delivered += min(to_agents[kind], expected_to_agents[kind])
        delivered += min(to_callers, expected_to_callers[kind])
        whole_delivered += to_agents[kind] + to_callers
        expected += expected_to_agents[kind] + expected_to_callers[kind]
        whole_call += 2 * expected_to_callers[kind]
        figures[f"rtp_{kind}_expected_to_agents"] = round(expected_to_agents[kind])
    figures["rtp_packet_ratio"] = round(delivered / expected, 3) if expected else None
    figures["rtp_packet_ratio_whole_call"] = (
        round(whole_delivered / whole_call, 3) if whole_call else None
    )
    return figures


def bridged_packets(answer_waits_s: list[float], answered_s: list[float], hold_s: float) -> float:
    """The packets the callers send their agents once bridged, summed over the calls: each
    caller streams for `hold_s` from the voice service's 200 (`answered_s`, SIPp's INVITE ->
    200 of each call) and is bridged when its agent's answer is recorded (`answer_waits_s`,
    INVITE -> the agent's answer, of each call an agent answered; a little before rtpengine
    bridges it, so the packets between count as lost). Only sums matter: SIPp's times are not
    told by call."""
    streamed = sum(hold_s - wait for wait in answer_waits_s) + sum(answered_s)
    return max(0.0, streamed) * PACKETS_PER_S


def answer_times_s(work: Path, sipp_pid: int) -> list[float]:
    """SIPp's response times of each call (`-trace_rtt -rtt_freq 1`): INVITE -> 200."""
    import csv

    path = work / f"caller_{sipp_pid}_rtt.csv"
    if not path.exists():
        return []
    with path.open() as rows:
        return [
            float(row["response_time_ms"]) / 1000
            for row in csv.DictReader(rows, delimiter=";")
            if row.get("response_time_ms")
        ]


def sipp_calls(stat_file: Path) -> dict[str, int]:
    """Successful and failed calls from SIPp's statistics file (its last line)."""
    import csv

    files = sorted(stat_file.parent.glob(f"*{stat_file.stem}*")) or [stat_file]
    rows = list(csv.DictReader(files[-1].open(), delimiter=";")) if files[-1].exists() else []
    if not rows:
        return {"failed_calls": -1}
    last = rows[-1]
    return {
        "successful_calls": int(last["SuccessfulCall(C)"]),
        "failed_calls": int(last["FailedCall(C)"]),
    }


if __name__ == "__main__":
    main()
