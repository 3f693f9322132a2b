"""The SMTP receiver (aiosmtpd): accepts mail for the mailboxes only, stores it through
`mail_receive`, and refuses with a clear SMTP answer what it cannot take (an unknown
recipient: 550; an attachment over the limit: 552; the message larger than the limit: 552
from aiosmtpd), so that the sender's own server tells the customer (its bounce)."""

from __future__ import annotations

import asyncio
import logging
import unicodedata
from typing import Any

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import close_old_connections
from django.utils import translation

from relais.apps.email.errors import ErrorCode
from relais.apps.email.receiving import mail_receive
from relais.apps.email.selectors import mailbox_for
from relais.apps.email.storage import MB
from relais.apps.errors import RelaisError

logger = logging.getLogger("relais.email")


def _ascii(text: str) -> str:
    """SMTP answers are ASCII (without SMTPUTF8): accents and typographic quotes folded."""
    text = text.replace("“", '"').replace("”", '"').replace("’", "'")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _in_thread(function: Any, /, **kwargs: Any) -> Any:
    """Run a database call in this worker thread, its connection closed if stale."""
    close_old_connections()
    try:
        with translation.override("en"):
            return function(**kwargs)
    finally:
        close_old_connections()


def _known(address: str) -> bool:
    return mailbox_for([address]) is not None


class MailHandler:
    """aiosmtpd's handler: RCPT checks the mailbox, DATA stores the message."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        loop = asyncio.get_running_loop()
        known = await loop.run_in_executor(None, lambda: _in_thread(_known, address=address))
        if not known:
            refused = RelaisError(ErrorCode.UNKNOWN_MAILBOX, value=address)
            with translation.override("en"):
                return f"{ErrorCode.UNKNOWN_MAILBOX.smtp} {_ascii(refused.message)}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        loop = asyncio.get_running_loop()
        raw = envelope.original_content or envelope.content
        try:
            await loop.run_in_executor(
                None,
                lambda: _in_thread(
                    mail_receive,
                    raw=raw,
                    envelope_from=envelope.mail_from or "",
                    recipients=list(envelope.rcpt_tos),
                ),
            )
        except RelaisError as refused:
            with translation.override("en"):
                code = refused.code
                status = code.smtp if isinstance(code, ErrorCode) else "554 5.6.0"
                return f"{status} {_ascii(refused.message)}"
        except Exception:
            logger.exception("e-mail from %s not stored", envelope.mail_from)
            return "451 4.3.0 Try again later"
        return "250 2.0.0 Message accepted"


class _Controller(Controller):
    """aiosmtpd's controller, able to listen on a port chosen by the system (port 0)."""

    def _trigger_server(self) -> None:
        if self.port == 0 and self.server is not None:
            self.port = int(self.server.sockets[0].getsockname()[1])  # type: ignore[attr-defined]
        super()._trigger_server()  # type: ignore[no-untyped-call]


def receiver_start(host: str, port: int) -> Controller:
    """The receiver listening on host:port (port 0: a free one, then `controller.port`), in
    its own thread; `controller.stop()` ends it."""
    controller = _Controller(
        MailHandler(),
        hostname=host,
        port=port,
        data_size_limit=settings.MAIL_MAX_MESSAGE_MB * MB,
        server_hostname="relais",
        ready_timeout=10,
    )
    controller.start()
    return controller
