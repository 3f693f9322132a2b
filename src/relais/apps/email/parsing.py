"""A received message read into what Relais keeps of it: addresses, thread headers, text,
HTML, attachments, and whether a machine wrote it (a bounce, an automatic reply).

Machines are recognised as RFC 3464 (delivery status notifications: `multipart/report;
report-type=delivery-status`, a null or MAILER-DAEMON sender) and RFC 3834
(`Auto-Submitted` other than `no`) describe, and by the headers of the common autoresponders
(`X-Autoreply`, `X-Autorespond`, `Precedence: bulk | junk | auto_reply`). Such a message
never gets an answer nor a contact: no loop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, make_msgid, parseaddr

from relais.apps.email.models import MailKind

_ID = re.compile(r"<[^<>\s]{1,246}>")
_DAEMONS = ("mailer-daemon@", "postmaster@")
_PRECEDENCE_MACHINE = frozenset({"bulk", "junk", "auto_reply", "list"})


@dataclass(frozen=True)
class Part:
    filename: str
    content_type: str
    payload: bytes


@dataclass(frozen=True)
class InboundMail:
    message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    from_address: str
    from_name: str
    recipients: tuple[str, ...]
    subject: str
    text: str
    html: str
    kind: str
    attachments: tuple[Part, ...] = field(default=())

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """The ids of the messages this one answers, nearest first."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        return tuple(dict.fromkeys([*ids, *reversed(self.references)]))


def message_ids(value: str) -> tuple[str, ...]:
    return tuple(_ID.findall(value or ""))


def machine_kind(message: EmailMessage, sender: str) -> str:
    """`bounce`, `auto_reply` or `message` (written by a person, as far as one can tell)."""
    content_type = message.get_content_type()
    report = str(message.get_param("report-type", "") or "").lower()
    if content_type == "multipart/report" and report in {"delivery-status", ""}:
        return MailKind.BOUNCE
    if not sender or sender.lower().startswith(_DAEMONS):
        return MailKind.BOUNCE
    auto = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto and auto != "no":
        return MailKind.AUTO_REPLY
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return MailKind.AUTO_REPLY
    if str(message.get("Precedence", "")).strip().lower() in _PRECEDENCE_MACHINE:
        return MailKind.AUTO_REPLY
    return MailKind.MESSAGE


def _body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    if part is None or part.is_attachment():
        return ""
    try:
        content = str(part.get_content())
    except (LookupError, UnicodeError):  # an unknown or lying charset
        raw = part.get_payload(decode=True)
        content = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""
    return content.replace("\r\n", "\n")  # SMTP's line ends


def _attachments(message: EmailMessage) -> tuple[Part, ...]:
    found = []
    for part in message.iter_attachments():
        if part.get_content_maintype() == "multipart":
            continue
        payload = part.get_payload(decode=True)
        found.append(
            Part(
                filename=(part.get_filename() or "attachment")[:200],
                content_type=part.get_content_type(),
                payload=payload if isinstance(payload, bytes) else b"",
            )
        )
    return tuple(found)


def mail_parse(
    raw: bytes, envelope_from: str = "", recipients: tuple[str, ...] = ()
) -> InboundMail:
    """What the message says; `envelope_from` (SMTP `MAIL FROM`, empty for a bounce) and the
    envelope's `recipients` win over the headers when given."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)  # noqa: S101 - policy.default makes one
    name, address = parseaddr(str(message.get("From", "")))
    sender = envelope_from if envelope_from or recipients else address
    to = recipients or tuple(
        a for _, a in getaddresses([str(v) for v in message.get_all("To", [])]) if a
    )
    ids = message_ids(str(message.get("Message-ID", "")))
    replied = message_ids(str(message.get("In-Reply-To", "")))
    return InboundMail(
        message_id=ids[0] if ids else make_msgid(domain="relais.invalid"),
        in_reply_to=replied[0] if replied else "",
        references=message_ids(str(message.get("References", ""))),
        from_address=address.lower()[:250],
        from_name=name[:200],
        recipients=tuple(r.lower() for r in to),
        subject=str(message.get("Subject", ""))[:300],
        text=_body(message, "plain"),
        html=_body(message, "html"),
        kind=machine_kind(message, sender),
        attachments=_attachments(message),
    )
