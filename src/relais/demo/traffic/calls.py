"""Demo calls: with the demo's telephone up (`relais serve --voice` sets RELAIS_VOICE_TRUNK, its
Kamailio) and SIPp installed, customers call the demo numbers now and then, one SIPp process a
call. The bots leave calls to people (they decline voice offers), so a human agent signed in to
the desktop takes one in the softphone; a caller nobody answers waits with the queue's music and
announcements, then hangs up after their patience.

Each caller speaks a sentence in the number's language (espeak-ng), looped while on the line;
their numbers come from a small pool of French mobiles, so the same customers call again and the
desktop shows their history."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from relais.apps.voice.stack.ports import free_port
from relais.apps.voice.stack.prompts import speak
from relais.apps.voice.stack.sipp import SIPP, alaw_wav, caller_scenario
from relais.demo.traffic.state import Shared
from relais.demo.voice import NUMBERS, NumberData

CALLERS = 24  # the pool of numbers callers call from
SENTENCES = {
    "fr": "Bonjour, j'appelle au sujet de ma livraison, le colis n'est pas arrivé.",
    "en": "Hello, I am calling about my delivery, the parcel has not arrived.",
}


@dataclass
class DemoCalls:
    """Where the calls go in (the trunk: Kamailio's SIP address) and SIPp's working files."""

    trunk: str  # host:port
    work: Path
    numbers: tuple[NumberData, ...] = NUMBERS
    every_s: float = 90.0  # mean real seconds between two calls (exponential)
    patience_s: tuple[float, float] = (120.0, 300.0)  # on the line this long, answered or not
    at_once: int = 3  # callers on the line at most
    on_line: set[asyncio.subprocess.Process] = field(default_factory=set)
    watching: set[asyncio.Task[None]] = field(default_factory=set)

    @classmethod
    def from_environment(cls) -> DemoCalls | None:
        """The demo's telephone, when `relais serve --voice` started it and SIPp is here."""
        trunk = os.environ.get("RELAIS_VOICE_TRUNK", "")
        if not trunk or not shutil.which("sipp"):
            return None
        return cls(trunk=trunk, work=Path(tempfile.mkdtemp(prefix="relais-demo-calls-")))

    def prepare(self) -> None:
        """Each language's sentence as SIPp streams it, and the scenario that streams it."""
        for language, sentence in SENTENCES.items():
            spoken = self.work / f"{language}.16bit.wav"
            speak(sentence, language, spoken)
            alaw_wav(spoken, self.work / f"{language}.wav")
            (self.work / f"caller-{language}.xml").write_text(
                caller_scenario(caller="[caller]", audio=f"{language}.wav")
            )

    def command(self, number: str, language: str, caller: str, patience_s: float) -> list[str]:
        """One SIPp for one call of `patience_s` seconds from `caller` to `number` (in the
        scenario `prepare` wrote for `language`)."""
        return [
            *SIPP,
            "-sf",
            f"caller-{language}.xml",
            self.trunk,
            "-s",
            number,
            "-key",
            "caller",
            caller,
            "-m",
            "1",
            "-d",
            str(int(patience_s * 1000)),
            "-timeout",
            f"{int(patience_s) + 60}s",
            "-mp",
            str(free_port()),
        ]


def caller_number(index: int) -> str:
    """A French mobile number of the pool (06 00 00 01 00 + index: not a real subscriber's
    block, like the demo's other numbers)."""
    return f"0600000{100 + index:03d}"


async def place_calls(shared: Shared, calls: DemoCalls) -> None:
    """Calls at random times until the run stops; then every caller on the line hangs up."""
    await asyncio.to_thread(calls.prepare)
    rng = shared.rng
    while not shared.stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(shared.stop.wait(), rng.expovariate(1 / calls.every_s))
        if shared.stop.is_set() or len(calls.on_line) >= calls.at_once:
            continue
        french = [n for n in calls.numbers if n.language == "fr"]
        data = rng.choice(french * 4 + list(calls.numbers))  # most callers speak French
        caller = caller_number(rng.randrange(CALLERS))
        command = calls.command(data.number, data.language, caller, rng.uniform(*calls.patience_s))
        process = await asyncio.create_subprocess_exec(
            *command,
            cwd=calls.work,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        shared.counters.calls += 1
        calls.on_line.add(process)
        watch = asyncio.create_task(_on_the_line(shared, calls, process))
        calls.watching.add(watch)
        watch.add_done_callback(calls.watching.discard)
    for process in list(calls.on_line):
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGUSR1)  # SIPp stops, then killed: serve stops the stack
    if calls.on_line:
        await asyncio.wait([asyncio.create_task(p.wait()) for p in calls.on_line], timeout=10)
    for process in list(calls.on_line):
        with contextlib.suppress(ProcessLookupError):
            process.kill()


async def _on_the_line(
    shared: Shared, calls: DemoCalls, process: asyncio.subprocess.Process
) -> None:
    shared.counters.on_the_phone += 1
    try:
        code = await process.wait()
        if code not in (0, -signal.SIGUSR1, -signal.SIGKILL):
            shared.counters.errors["call"] += 1
    finally:
        shared.counters.on_the_phone -= 1
        calls.on_line.discard(process)
