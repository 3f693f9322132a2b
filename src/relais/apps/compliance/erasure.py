"""Erasing a customer (GDPR article 17) across every kind of data Relais holds about them,
keeping the figures: contacts, messages, e-mails, calls, surveys and evaluations stay as
rows with their times, queues, agents and scores, so counts, durations and KPIs are the same
after; what identifies the customer or what they wrote is blanked or deleted.

The customer's contacts keep one new key of their own (`erased:<random>`), so first-contact
resolution, judged on the key (satisfaction/fcr.py), is judged the same when computed again."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from relais.apps.audit.services import audit_record
from relais.apps.chat.models import ChatSession, hash_token
from relais.apps.compliance.errors import ErrorCode
from relais.apps.compliance.scrubbing import SCRUBBERS
from relais.apps.compliance.subjects import (
    subject_check,
    subject_contacts,
    subject_fingerprint,
    subject_key,
)
from relais.apps.deskstream.models import DeskEvent
from relais.apps.email.models import MailDirection, MailMessage, MailThread
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import LIVE_STATES, Contact, ContactState
from relais.apps.satisfaction.models import SurveyAnswer, SurveyInvitation
from relais.apps.webhooks.models import WebhookDelivery

ERASED_PREFIX = "erased:"
ERASED_ADDRESS = "erased@invalid"
#: Contact attributes that say nothing of who the customer is; every other one goes.
KEPT_ATTRIBUTES = frozenset({"topic", "language", "chat_contact", "previous_contact", "source"})
#: Attributes the figures group by (the order: first-contact resolution's subject), replaced
#: by a pseudonym per value, so a repeat on the same order is still one.
PSEUDONYMISED_ATTRIBUTES = frozenset({"order"})


@dataclass(frozen=True)
class Customer:
    """The audit log's object for a personal-data request: the customer's fingerprint."""

    pk: str


def customer_erase(*, actor: Any, given: str, reason: str, confirm: str) -> dict[str, int]:
    """Erase the customer `given` names (a key, an address or a number); `confirm` must be
    the same text. Refused while one of their contacts is in progress. Audited
    (`customer.erase`, with the counts, naming the customer by fingerprint only). Returns
    the rows changed per kind."""
    subject_check(viewer=actor, reason=reason)
    if confirm.strip() != given.strip():
        raise RelaisError(ErrorCode.NOT_CONFIRMED)
    key = subject_key(given)
    with transaction.atomic():
        contacts = subject_contacts(key).select_for_update()
        ids = list(contacts.values_list("id", flat=True))
        if not ids:
            raise RelaisError(ErrorCode.UNKNOWN_CUSTOMER, value=given)
        live = contacts.filter(state__in=[*LIVE_STATES, ContactState.SCHEDULED]).count()
        if live:
            raise RelaisError(ErrorCode.CONTACT_IN_PROGRESS, count=live)
        counts = {kind.value: scrub(ids) for kind, scrub in SCRUBBERS.items()}
        counts["identity"] = _identity_erase(ids, key)
        counts["contacts"] = len(ids)
        audit_record(
            actor=actor,
            action="customer.erase",
            obj=Customer(subject_fingerprint(key)),
            changes=counts,
            reason=reason,
        )
    return counts


def _identity_erase(ids: list[int], key: str) -> int:
    """What names or reaches the customer: their key and reference, the contacts' personal
    attributes, the chat sessions (and their tokens), the e-mail addresses, the survey
    comments, the desktop events built from them, the webhooks' copies."""
    pseudonym = f"{ERASED_PREFIX}{secrets.token_hex(12)}"
    changed = 0
    pseudonyms: dict[str, str] = {}
    for contact in Contact.objects.filter(id__in=ids).only("id", "attributes"):
        kept = {}
        for name, value in (contact.attributes or {}).items():
            if name in KEPT_ATTRIBUTES:
                kept[name] = value
            elif name in PSEUDONYMISED_ATTRIBUTES and value:
                kept[name] = pseudonyms.setdefault(
                    str(value), f"{ERASED_PREFIX}{secrets.token_hex(6)}"
                )
        changed += Contact.objects.filter(pk=contact.pk).update(
            customer_key=pseudonym, customer_reference="", attributes=kept
        )
    for session in ChatSession.objects.filter(contact_id__in=ids):
        session.customer_name, session.email = "", ""
        session.token_hash = hash_token(secrets.token_urlsafe(32))  # the old token: nothing
        session.save(update_fields=["customer_name", "email", "token_hash"])
        changed += 1
    changed += MailThread.objects.filter(contact_id__in=ids).update(
        customer_address=ERASED_ADDRESS, customer_name=""
    )
    messages = MailMessage.objects.filter(contact_id__in=ids)
    changed += messages.filter(direction=MailDirection.INBOUND).update(
        from_address=ERASED_ADDRESS, from_name="", references=""
    )
    changed += messages.exclude(direction=MailDirection.INBOUND).update(
        to_address=ERASED_ADDRESS, references=""
    )
    invitations = SurveyInvitation.objects.filter(contact_id__in=ids)
    changed += invitations.update(customer_key=pseudonym)
    changed += SurveyAnswer.objects.filter(invitation__in=invitations).update(comment="")
    changed += SurveyInvitation.objects.filter(customer_key=key).update(customer_key=pseudonym)
    changed += DeskEvent.objects.filter(contact_id__in=ids).delete()[0]
    for delivery in WebhookDelivery.objects.filter(payload__contact__id__in=ids):
        delivery.payload["contact"]["customer_id"] = ""
        delivery.save(update_fields=["payload"])
        changed += 1
    return changed
