"""`relais voicestack`: run Kamailio and rtpengine with generated configs until Ctrl-C."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from relais.apps.voice.b2bua.runner import optional_address
from relais.apps.voice.stack.kamailio import KamailioConfig, SipAddress
from relais.apps.voice.stack.ports import free_port, free_port_range
from relais.apps.voice.stack.processes import VoiceStack, VoiceStackError, voice_stack_missing
from relais.apps.voice.stack.prompts import generate_prompts
from relais.apps.voice.stack.rtpengine import RtpengineConfig

# The voice service's own settings (docs/voice.md, "Call control"), when present: the stack then
# trusts and probes its SIP address and listens for its ng commands where it sends them.
VOICE_SERVICE = getattr(settings, "VOICE_SIP_ADDRESS", "127.0.0.1:5070")
NG_PORT = int(str(getattr(settings, "VOICE_NG_ADDRESS", ":0")).rpartition(":")[2] or 0)


def _port_range(text: str) -> tuple[int, int]:
    first, _, last = text.partition("-")
    return int(first), int(last)


class Command(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        self.help = gettext(
            "Run the voice stack (Kamailio and rtpengine) with generated configurations "
            "until interrupted. Ports left at 0 are chosen free at start."
        )
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--run-dir", type=Path, default=settings.VOICE_RUN_DIR)
        parser.add_argument("--host", default="127.0.0.1", help=gettext("SIP and media address."))
        parser.add_argument("--sip-port", type=int, default=0)
        parser.add_argument("--ws-port", type=int, default=0)
        parser.add_argument("--ng-port", type=int, default=NG_PORT)
        parser.add_argument(
            "--rtp-ports", type=_port_range, default=None, help="FIRST-LAST, e.g. 30000-30999"
        )
        parser.add_argument(
            "--trunk",
            action="append",
            type=SipAddress.parse,
            help=gettext("The operator's address, HOST or HOST:PORT (repeatable)."),
        )
        parser.add_argument(
            "--voice-service",
            action="append",
            type=SipAddress.parse,
            help=gettext("A voice service's HOST:PORT, active first (repeatable)."),
        )
        parser.add_argument(
            "--rtp-advertise",
            default=None,
            help=gettext("The public address rtpengine announces when behind 1:1 NAT."),
        )
        parser.add_argument("--wss-port", type=int, default=None)
        parser.add_argument("--tls-certificate", type=Path, default=None)
        parser.add_argument("--tls-private-key", type=Path, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        missing = voice_stack_missing()
        if missing:
            raise CommandError(missing)
        host = options["host"]
        rtp_min, rtp_max = options["rtp_ports"] or free_port_range(1000, host)
        stack = VoiceStack(
            run_dir=options["run_dir"],
            kamailio=KamailioConfig(
                sip_domain=settings.SIP_DOMAIN,
                sip_secret=settings.SIP_SECRET,
                sip_host=host,
                sip_port=options["sip_port"] or free_port(host),
                ws_host=host,
                ws_port=options["ws_port"] or free_port(host),
                trunks=tuple(options["trunk"] or [SipAddress(host)]),
                voice_services=tuple(options["voice_service"] or [SipAddress.parse(VOICE_SERVICE)]),
                wss_port=options["wss_port"],
                tls_certificate=options["tls_certificate"],
                tls_private_key=options["tls_private_key"],
            ),
            rtpengine=RtpengineConfig(
                ng_port=options["ng_port"] or free_port(host),
                port_min=rtp_min,
                port_max=rtp_max,
                interface=f"{host}!{options['rtp_advertise']}"
                if options["rtp_advertise"]
                else host,
                ng_host=host,
                dtmf_dest=optional_address(settings.VOICE_DTMF_ADDRESS),
            ),
        )
        prompts = stack.run_dir / "prompts"
        written = generate_prompts(prompts)
        self.stdout.write(f"prompts: {prompts} ({len(written)} generated)")
        try:
            stack.start()
        except VoiceStackError as error:
            raise CommandError(str(error)) from error
        try:
            for name, value in stack.addresses().items():
                self.stdout.write(f"{name}: {value}")
            self.stdout.write(f"logs and configs: {stack.run_dir} (Ctrl-C stops)")
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            while not stop.is_set():
                for name, process in stack.processes.items():
                    if process.poll() is not None:
                        raise CommandError(f"{name} exited; see {stack.log_path(name)}")
                stop.wait(1.0)
        except KeyboardInterrupt:
            pass
        finally:
            stack.stop()
