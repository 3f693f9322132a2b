"""Whose data a request is about: a customer named by `Contact.customer_key`
(interactions/identity.py), or by an e-mail address or phone number that gives one."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db.models import QuerySet

from relais.apps.accounts.permissions import is_administrator
from relais.apps.compliance.errors import ErrorCode
from relais.apps.errors import RelaisError
from relais.apps.interactions.identity import customer_key
from relais.apps.interactions.models import Contact

_KEY_PREFIXES = ("id:", "email:", "tel:")


def subject_key(given: str) -> str:
    """The customer key of what an administrator typed: a key as it is, else the key of an
    e-mail address or phone number; unknown: `unknown_customer`."""
    given = given.strip()
    key = given if given.startswith(_KEY_PREFIXES) else customer_key(given)
    if not key:
        raise RelaisError(ErrorCode.UNKNOWN_CUSTOMER, value=given)
    return key


def subject_contacts(key: str) -> QuerySet[Contact]:
    """Every contact of this customer, oldest first."""
    return Contact.objects.filter(customer_key=key).order_by("created_at", "id")


def subject_fingerprint(key: str) -> str:
    """What the audit log names the customer by: an HMAC of the key under the secret key, so
    the log holds no address or number, and stays meaningful after an erasure (whoever
    knows the key can compute it again)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), key.encode(), hashlib.sha256).hexdigest()
    return f"customer:{digest[:24]}"


def subject_check(*, viewer: object, reason: str) -> None:
    """Only administrators make personal-data requests, always with a reason."""
    if not is_administrator(viewer):
        raise RelaisError(ErrorCode.NOT_ALLOWED)
    if not reason.strip():
        raise RelaisError(ErrorCode.REASON_REQUIRED)
