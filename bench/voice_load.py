"""Calls under load through the whole voice stack: SIPp callers -> Kamailio -> `relais voice`
(queue, route, ring) -> SIPp desk phones answering and echoing, media through rtpengine.

    uv run python -m bench.voice_load --concurrent 200 [--calls N] [--rate 20] [--hold-s 20]
        [--browser-agents M] [--database-url postgres://postgres@127.0.0.1:5432/postgres]

Skeleton (issue 17): SIP desk-phone agents only; `--browser-agents` (headless Chromium with
SIP.js) is not driven yet and reported as 0; `rtp_packet_ratio` reads 0 in the smoke run so
far (rtpengine relayed no packet: the callers' rtp_stream is still to be checked).

Over a scratch PostgreSQL database: one voice queue and its number, `--concurrent` agents whose
calls ring one SIPp UAS (answering at once, echoing RTP); the desks kept connected by a child
process; the stack (rtpengine, Kamailio), `relais router` and `relais voice` started on free
ports. SIPp places `--calls` calls at `--rate` per second, at most `--concurrent` at once, each
streaming G.711 for `--hold-s`.

Figures: `calls`, `failed_calls` (SIPp's), `setup_p50_ms`/`setup_p99_ms` (the call's record
created -> the agent's phone ringing, `call.ringing` in the event log), `rtp_packet_ratio`
(packets rtpengine relayed / expected: each caller packet relayed to the agent and its echo
back, 50 a second each way), `cpu_pct_<component>` (CPU seconds / wall seconds). The machine
must be quiet for the figures to mean anything. Last line: JSON.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import emit, row
from bench.chat_load_server import cpu_seconds, drop_postgres, free_port, scratch_postgres

ROOT = Path(__file__).resolve().parent.parent
DIALLED = "+33199000199"

CALLER = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="voice_load caller">
  <send retrans="500"><![CDATA[
    INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
    From: <sip:0600000000@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
    To: <sip:[service]@[remote_ip]:[remote_port]>
    Call-ID: [call_id]
    CSeq: 1 INVITE
    Contact: <sip:0600000000@[local_ip]:[local_port]>
    Max-Forwards: 70
    Content-Type: application/sdp
    Content-Length: [len]

    v=0
    o=- 1 1 IN IP[local_ip_type] [local_ip]
    s=-
    c=IN IP[media_ip_type] [media_ip]
    t=0 0
    m=audio [auto_media_port] RTP/AVP 8 101
    a=rtpmap:8 PCMA/8000
    a=rtpmap:101 telephone-event/8000
    a=fmtp:101 0-16
    a=sendrecv
  ]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rrs="true"/>
  <send><![CDATA[
    ACK [next_url] SIP/2.0
    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
    From: <sip:0600000000@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
    To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
    Call-ID: [call_id]
    CSeq: 1 ACK
    [routes]
    Max-Forwards: 70
    Content-Length: 0
  ]]></send>
  <nop><action><exec rtp_stream="caller.wav,-1,8"/></action></nop>
  <pause/>
  <nop><action><exec rtp_stream="pause"/></action></nop>
  <send retrans="500"><![CDATA[
    BYE [next_url] SIP/2.0
    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
    From: <sip:0600000000@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
    To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
    Call-ID: [call_id]
    CSeq: 2 BYE
    [routes]
    Max-Forwards: 70
    Content-Length: 0
  ]]></send>
  <recv response="200" crlf="true"/>
</scenario>
"""

AGENT = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="voice_load agent">
  <recv request="INVITE" crlf="true"/>
  <send><![CDATA[
    SIP/2.0 180 Ringing
    [last_Via:]
    [last_From:]
    [last_To:];tag=[pid]SIPpTag01[call_number]
    [last_Call-ID:]
    [last_CSeq:]
    Contact: <sip:agent@[local_ip]:[local_port]>
    Content-Length: 0
  ]]></send>
  <send retrans="500"><![CDATA[
    SIP/2.0 200 OK
    [last_Via:]
    [last_From:]
    [last_To:];tag=[pid]SIPpTag01[call_number]
    [last_Call-ID:]
    [last_CSeq:]
    Contact: <sip:agent@[local_ip]:[local_port]>
    Content-Type: application/sdp
    Content-Length: [len]

    v=0
    o=- 2 2 IN IP[media_ip_type] [media_ip]
    s=-
    c=IN IP[media_ip_type] [media_ip]
    t=0 0
    m=audio [media_port] RTP/AVP 8 101
    a=rtpmap:8 PCMA/8000
    a=rtpmap:101 telephone-event/8000
    a=sendrecv
  ]]></send>
  <recv request="ACK"/>
  <recv request="BYE"/>
  <send><![CDATA[
    SIP/2.0 200 OK
    [last_Via:]
    [last_From:]
    [last_To:]
    [last_Call-ID:]
    [last_CSeq:]
    Content-Length: 0
  ]]></send>
</scenario>
"""


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
    """(In a child process.) Every agent's desk connected and logged in, leases kept fresh,
    until killed."""
    import django

    django.setup()
    from relais.apps.desktop.services import desk_connected
    from relais.apps.interactions import services
    from relais.apps.organisation.models import Agent
    from relais.apps.realtime.services import leases_heartbeat

    for agent in Agent.objects.select_related("user"):
        desk_connected(agent_id=agent.pk, channel_name=f"bench-desk-{agent.pk}")
        services.agent_login(actor=agent.user, agent=agent)
    print("desks ready", flush=True)
    while True:
        time.sleep(2)
        leases_heartbeat()


def figures_from_record() -> dict[str, Any]:
    """(In a child process.) Setup times from the record: call created -> agent ringing."""
    import django

    django.setup()
    from relais.apps.interactions.models import ContactEvent, EventKind
    from relais.apps.voice.models import Call

    created = dict(Call.objects.values_list("contact_id", "created_at"))
    ringing: dict[int, Any] = {}
    for contact_id, at in (
        ContactEvent.objects.filter(kind=EventKind.CALL_RINGING)
        .order_by("id")
        .values_list("contact_id", "at")
    ):
        ringing.setdefault(contact_id, at)
    setups = sorted(
        (ringing[pk] - created[pk]).total_seconds() * 1000 for pk in ringing if pk in created
    )
    return {"recorded_calls": len(created), "setups_ms": setups}


def child(code: str, env: dict[str, str], **kwargs: Any) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT, text=True, **kwargs)


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    return values[min(len(values) - 1, int(share * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrent", type=int, default=10)
    parser.add_argument("--calls", type=int, default=0, help="default: 2 x --concurrent")
    parser.add_argument("--rate", type=float, default=5.0, help="new calls per second")
    parser.add_argument("--hold-s", type=float, default=10.0)
    parser.add_argument("--browser-agents", type=int, default=0)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    calls = args.calls or 2 * args.concurrent
    figures: dict[str, Any] = {
        "concurrent_calls": args.concurrent,
        "calls": calls,
        "browser_agents": 0,
    }
    if args.browser_agents:
        print("voice_load: browser agents are not driven yet (skeleton); SIP agents only")

    from relais.apps.voice.stack.capture import RtpCapture
    from relais.apps.voice.stack.kamailio import SipAddress
    from relais.apps.voice.stack.processes import (
        VoiceStack,
        sip_options_ping,
        voice_stack_missing,
    )

    missing = voice_stack_missing()
    if missing:
        print(f"voice_load: {missing}", file=sys.stderr)
        figures["error"] = missing
        emit(figures)
        return
    work = Path(tempfile.mkdtemp(prefix="relais-voice-load-"))
    url, name = scratch_postgres(args.database_url)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "RELAIS_DATA_DIR": str(work),
        "DJANGO_SETTINGS_MODULE": "relais.config.settings",
        "RELAIS_LOG_LEVEL": "INFO",
    }
    env.pop("REDIS_URL", None)
    phone_port, voice_port = free_port(), free_port()
    processes: dict[str, subprocess.Popen[Any]] = {}
    capture: RtpCapture | None = None
    stack = VoiceStack.on_free_ports(
        work / "stack",
        sip_domain="relais.invalid",
        sip_secret="bench",  # noqa: S106 (no agent registers in this bench)
        trunks=(SipAddress("127.0.0.1"),),
        voice_services=(SipAddress("127.0.0.1", voice_port),),
        media_ports=max(200, 8 * args.concurrent),  # 2 legs x (RTP, RTCP) a call, and spare
        ds_ping_interval_s=1,
    )
    try:
        child(
            f"from bench.voice_load import seed; seed({args.concurrent}, {phone_port})", env
        ).wait()
        stack.start()
        processes["desks"] = child(
            "from bench.voice_load import keep_desks; keep_desks()", env, stdout=subprocess.PIPE
        )
        assert processes["desks"].stdout is not None
        processes["desks"].stdout.readline()
        relais = [sys.executable, "-m", "relais.cli"]
        ng_host, ng_port = stack.ng_address
        for part, command in (
            ("router", [*relais, "router", "--poll", "0.05"]),
            (
                "voice",
                [
                    *relais,
                    "voice",
                    "--sip",
                    f"127.0.0.1:{voice_port}",
                    "--ng",
                    f"{ng_host}:{ng_port}",
                ],
            ),
        ):
            log = (work / f"{part}.log").open("wb")
            processes[part] = subprocess.Popen(command, env=env, stdout=log, stderr=log)
        (work / "agent.xml").write_text(AGENT)
        (work / "caller.xml").write_text(CALLER)
        subprocess.run(
            [
                "sox",
                "-n",
                "-r",
                "8000",
                "-c",
                "1",
                "-e",
                "a-law",
                str(work / "caller.wav"),
                "synth",
                str(args.hold_s + 5),
                "sine",
                "440",
                "vol",
                "0.3",
            ],
            check=True,
        )
        agent_media, caller_media = free_port(), free_port()
        sipp = ["sipp", "-i", "127.0.0.1", "-nostdin", "-trace_stat", "-stf"]
        processes["agents"] = subprocess.Popen(
            [
                *sipp,
                "agents.csv",
                "-sf",
                "agent.xml",
                "-p",
                str(phone_port),
                "-mp",
                str(agent_media),
                "-rtp_echo",
            ],
            cwd=work,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while not sip_options_ping(("127.0.0.1", voice_port)):  # 200: the active service
            if time.monotonic() > deadline:
                raise RuntimeError(f"relais voice did not become active: {work / 'voice.log'}")
            time.sleep(0.5)
        time.sleep(2.5)  # Kamailio's dispatcher probes it every second
        rtpengine_ports = range(stack.rtpengine.port_min, stack.rtpengine.port_max + 1)
        capture = RtpCapture(work / "rtp.pcapng").start(rtpengine_ports[0], rtpengine_ports[-1])
        started = time.monotonic()
        cpu_before = {part: cpu_seconds(p.pid) for part, p in processes.items()}
        cpu_before |= {part: cpu_seconds(p.pid) for part, p in stack.processes.items()}
        sip_host, sip_port = stack.sip_address
        callers = subprocess.run(
            [
                *sipp,
                "callers.csv",
                "-sf",
                "caller.xml",
                f"{sip_host}:{sip_port}",
                "-s",
                DIALLED,
                "-mp",
                str(caller_media),
                "-m",
                str(calls),
                "-r",
                str(args.rate),
                "-l",
                str(args.concurrent),
                "-d",
                str(int(args.hold_s * 1000)),
                "-timeout",
                f"{int(args.hold_s * 4 + 60)}s",
            ],
            cwd=work,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        wall = time.monotonic() - started
        for part, process in [*processes.items(), *stack.processes.items()]:
            used = cpu_seconds(process.pid) - cpu_before.get(part, 0.0)
            figures[f"cpu_pct_{part}"] = round(100 * used / wall, 1)
        figures |= sipp_calls(work / "callers.csv")
        figures["sipp_exit"] = callers.returncode
        figures |= rtp_figures(
            capture,
            rtpengine_ports,
            caller_media=caller_media,
            agent_media=agent_media,
            expected_each_way=calls * args.hold_s * 50,
        )
        record = child(
            "import json; from bench.voice_load import figures_from_record as f; "
            "print(json.dumps(f()))",
            env,
            stdout=subprocess.PIPE,
        )
        output, _ = record.communicate(timeout=60)
        import json

        setups = json.loads(output.strip().splitlines()[-1])["setups_ms"]
        figures["setup_p50_ms"] = round(statistics.median(setups), 1) if setups else None
        p99 = percentile(setups, 0.99)
        figures["setup_p99_ms"] = round(p99, 1) if p99 is not None else None
        for key, value in figures.items():
            row(key, value if value is not None else "-")
    finally:
        if capture is not None:
            capture.stop()
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
        stack.stop()
        drop_postgres(args.database_url, name)
    emit(figures)


def rtp_figures(
    capture: Any,
    rtpengine_ports: range,
    *,
    caller_media: int,
    agent_media: int,
    expected_each_way: float,
) -> dict[str, Any]:
    """RTP through rtpengine, from the loopback capture. Each caller streams 50 packets a
    second for --hold-s from `caller_media` (the SIPp UAC's callers share that media port);
    rtpengine relays them to the agent (the SIPp UAS's media port `agent_media`), which echoes
    each back, and rtpengine relays the echo to the caller: `expected_each_way` packets to the
    agents and as many back (RTCP, on the ports above, is not counted). `rtp_packet_ratio` =
    packets rtpengine delivered both ways / 2 x expected_each_way; the other counts tell which
    hop lost them."""
    flows = capture.flows()

    def between(sources: Any, destinations: Any) -> int:
        return sum(n for (src, dst), n in flows.items() if src in sources and dst in destinations)

    from_callers = between((caller_media,), rtpengine_ports)
    to_agents = between(rtpengine_ports, (agent_media,))
    from_agents = between((agent_media,), rtpengine_ports)
    to_callers = between(rtpengine_ports, (caller_media,))
    expected = 2 * expected_each_way
    return {
        "rtp_packet_ratio": round((to_agents + to_callers) / expected, 3) if expected else None,
        "rtp_callers_sent": from_callers,
        "rtp_to_agents": to_agents,
        "rtp_agents_echoed": from_agents,
        "rtp_to_callers": to_callers,
    }


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
