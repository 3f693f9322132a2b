"""The demo company's e-mail address: mail to it lands in the `messages` queue (the same
queue as the messages left in the widget). Idempotent."""

from __future__ import annotations

from relais.apps.audit.services import audit_record
from relais.apps.email.models import Mailbox
from relais.apps.routing.models import Queue
from relais.demo.company_data import COMPANY_DOMAIN

DEMO_MAIL_ADDRESS = f"service-client@{COMPANY_DOMAIN}"
DEMO_MAIL_QUEUE = "messages"


def load_demo_mail() -> str:
    queue = Queue.objects.filter(code=DEMO_MAIL_QUEUE).first()
    if queue is None:
        return "skipped"
    mailbox, created = Mailbox.objects.get_or_create(
        address=DEMO_MAIL_ADDRESS,
        defaults={"queue": queue, "display_name": "Maison Lumière, service client"},
    )
    if created:
        from django.db import transaction

        with transaction.atomic():
            audit_record(actor=None, action="mailbox.demo_created", obj=mailbox)
    return "created" if created else "unchanged"
