"""Hiding what a contact's record says of its customer: its reference and its attributes."""

from __future__ import annotations

import re
from typing import Any

from relais.core.privacy.fields import MASK, mask_address, mask_email, mask_name, mask_phone
from relais.core.privacy.masking import Masking
from relais.core.privacy.text import mask_text

_PHONE = re.compile(r"^\+?[\d\s().-]{6,}$")

#: Keys of a contact's attributes that name, reach or locate the customer.
NAME_KEYS = frozenset({"name", "customer_name", "full_name"})
SURNAME_KEYS = frozenset({"last_name", "surname", "family_name"})
EMAIL_KEYS = frozenset({"email", "e-mail", "mail"})
PHONE_KEYS = frozenset({"phone", "telephone", "mobile", "msisdn", "caller"})
ADDRESS_KEYS = frozenset({"address", "street", "postal_address", "postcode", "zip", "city"})
#: Free text the customer wrote: through `mask_text`.
TEXT_KEYS = frozenset({"message", "comment", "subject", "body", "note"})


def is_email(value: str) -> bool:
    value = value.strip()
    return "@" in value and " " not in value


def is_phone(value: str) -> bool:
    return bool(_PHONE.match(value.strip())) and sum(c.isdigit() for c in value) >= 6


def mask_reference(reference: str, masking: Masking) -> str:
    """A customer reference as the masking allows: an e-mail address or a phone number is
    masked as one; any other reference is the integration's own identifier, shown."""
    if is_email(reference):
        return mask_email(reference) if masking.email else reference
    if is_phone(reference):
        return mask_phone(reference) if masking.phone else reference
    return reference


def _attribute(key: str, value: str, masking: Masking) -> str:
    name = key.lower()
    if name in NAME_KEYS:
        return mask_name(value) if masking.surname else value
    if name in SURNAME_KEYS:
        return (f"{value.strip()[:1]}." if value.strip() else "") if masking.surname else value
    if name in EMAIL_KEYS:
        return mask_email(value) if masking.email else value
    if name in PHONE_KEYS:
        return mask_phone(value) if masking.phone else value
    if name in ADDRESS_KEYS:
        return mask_address(value) if masking.address else value
    if name in TEXT_KEYS:
        return mask_text(value, masking)
    return value


def mask_attributes(attributes: dict[str, Any], masking: Masking) -> dict[str, Any]:
    """A contact's attributes as the masking allows, in a new dict: the strings under the
    known keys above; any other value is the integration's own (a topic, a language)."""
    return {
        key: _attribute(key, value, masking) if isinstance(value, str) else value
        for key, value in attributes.items()
    }


__all__ = ["MASK", "mask_attributes", "mask_reference"]
