"""Demo customers who write e-mails: sent over SMTP to the receiver `relais serve` runs,
to the demo company's address. Now and then a customer answers an earlier message (it joins
its conversation) or an out-of-office reply comes back (recognised: no contact)."""

from __future__ import annotations

import asyncio
import contextlib
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from relais.demo.mail import DEMO_MAIL_ADDRESS
from relais.demo.traffic.phrases import FIRST_NAMES, LAST_NAMES, OPENINGS
from relais.demo.traffic.state import Shared

SUBJECTS = ("Ma commande", "Livraison", "Facture", "Retour d'un article", "Question produit")
EVERY_S = (45.0, 120.0)  # between two e-mails, real seconds (times the pace)


def _smtp_send(smtp: str, message: EmailMessage) -> None:
    host, _, port = smtp.rpartition(":")
    with smtplib.SMTP(host, int(port), timeout=20) as client:
        client.send_message(message)


def demo_mail(shared: Shared, number: int, earlier: list[EmailMessage]) -> EmailMessage:
    rng = shared.rng
    message = EmailMessage()
    if earlier and rng.random() < 0.25:  # an answer to an earlier message of theirs
        first = rng.choice(earlier)
        message["From"] = first["From"]
        message["Subject"] = f"Re: {first['Subject']}"
        message["In-Reply-To"] = first["Message-ID"]
        message["References"] = first["Message-ID"]
        message.set_content("Merci de votre retour. Pouvez-vous me confirmer la date ?")
    else:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        message["From"] = f"{name} <client.{number}@example.com>"
        message["Subject"] = rng.choice(SUBJECTS)
        text = rng.choice(OPENINGS["fr"])
        message.set_content(f"{text}\n\nCordialement,\n{name}")
        message.add_alternative(f"<p>{text}</p><p>Cordialement,<br>{name}</p>", subtype="html")
        if rng.random() < 0.1:  # an out-of-office answer: Relais must not open a contact
            message["Auto-Submitted"] = "auto-replied"
    message["To"] = DEMO_MAIL_ADDRESS
    message["Message-ID"] = make_msgid(domain="example.com")
    return message


async def mail_writers(shared: Shared, smtp: str) -> None:
    """Send e-mails until stopped; a refusal or an absent receiver is counted, not fatal."""
    earlier: list[EmailMessage] = []
    number = 0
    loop = asyncio.get_running_loop()
    while not shared.stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(shared.stop.wait(), shared.delay(*EVERY_S))
        if shared.stop.is_set():
            break
        number += 1
        message = demo_mail(shared, number, earlier)
        try:
            await loop.run_in_executor(None, _smtp_send, smtp, message)
        except (OSError, smtplib.SMTPException):
            shared.counters.errors["smtp"] += 1
            continue
        shared.counters.emails += 1
        if "In-Reply-To" not in message and "Auto-Submitted" not in message:
            earlier = [*earlier[-20:], message]
