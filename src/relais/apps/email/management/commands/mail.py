"""`relais mail`: the SMTP receiver of the mailboxes (docs/email.md)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from relais.apps.email.receiver import receiver_start


class Command(BaseCommand):
    help = "Receive the queues' e-mail over SMTP (RELAIS_MAIL_RECEIVER, host:port)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--smtp", default=settings.MAIL_RECEIVER, help="host:port")

    def handle(self, *args: Any, **options: Any) -> None:
        host, _, port = str(options["smtp"]).rpartition(":")
        controller = receiver_start(host or "127.0.0.1", int(port))
        self.stdout.write(f"relais mail: SMTP on {controller.hostname}:{controller.port}")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
