"""`relais voice`: run the voice service, the B2BUA (docs/voice.md, "Call control")."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext

from relais.apps.voice.b2bua.runner import VoiceOptions, address, optional_address, run_voice


class Command(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        self.help = gettext(
            "Run the voice service: answer calls, queue them, ring agents, bridge. With "
            "PostgreSQL, several may run: one is active, the others stand by and take over."
        )
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sip", default=settings.VOICE_SIP_ADDRESS, help=gettext("SIP address, host:port.")
        )
        parser.add_argument(
            "--ng", default=settings.VOICE_NG_ADDRESS, help=gettext("rtpengine's ng address.")
        )
        parser.add_argument(
            "--dtmf",
            default=settings.VOICE_DTMF_ADDRESS,
            help=gettext("Where rtpengine sends keypad presses, host:port (empty: none)."),
        )
        parser.add_argument(
            "--proxy",
            default=settings.VOICE_PROXY,
            help=gettext("The SIP proxy that reaches agents' addresses, host:port."),
        )
        parser.add_argument(
            "--music",
            default=settings.VOICE_MUSIC,
            help=gettext("Queue music, a WAV file (else the stack's prompts)."),
        )
        parser.add_argument(
            "--answer-delay",
            type=float,
            default=settings.VOICE_ANSWER_DELAY_S,
            help=gettext("Seconds of ringing before the queue answers a caller."),
        )

        parser.add_argument(
            "--announce-every",
            type=float,
            default=settings.VOICE_ANNOUNCE_S,
            help=gettext("Seconds between two announcements of a queued caller's place (0: none)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run_voice(
            VoiceOptions(
                sip=address(options["sip"]),
                ng=address(options["ng"]),
                dtmf=optional_address(options["dtmf"]),
                proxy=optional_address(options["proxy"]),
                music=options["music"],
                answer_delay_s=options["answer_delay"],
                sip_domain=settings.SIP_DOMAIN,
                announce_s=options["announce_every"],
            )
        )
