"""Who the customer is, across channels: one key per contact (`Contact.customer_key`), shared by
history, first-contact resolution and self-service deflection.

- `id:<brand id>` when the brand's site vouched for the customer (a signed identity);
- `email:<address>` (lower-case) from the address a chat or an e-mail gave;
- `tel:+<E.164>` from the caller's number or the number left for a callback (French national
  numbers, 0X XX XX XX XX, read as +33);
- blank when nothing identifies them (an anonymous caller, a chat without an address)."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s.()/-]")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
#: A number as the French write it: ten digits from 0 (the national trunk prefix).
_FRENCH_NATIONAL = re.compile(r"^0[1-9]\d{8}$")


def phone_key(number: str) -> str:
    """`tel:+…` for a phone number written any usual way, blank when it is not one."""
    digits = _SEPARATORS.sub("", number.strip())
    if digits.startswith(("sip:", "tel:")):
        digits = digits[4:].split("@", 1)[0].split(";", 1)[0]
    if digits.startswith("00"):
        digits = f"+{digits[2:]}"
    elif _FRENCH_NATIONAL.match(digits):
        digits = f"+33{digits[1:]}"
    elif digits.isdigit() and len(digits) > 10:
        digits = f"+{digits}"
    return f"tel:{digits}" if _E164.match(digits) else ""


def email_key(address: str) -> str:
    """`email:…` for an address (lower-case), blank when it is not one."""
    address = address.strip().lower()
    local, at, domain = address.partition("@")
    if not (local and at and "." in domain) or any(c.isspace() for c in address):
        return ""
    return f"email:{address}"


def customer_key(reference: str = "", *, brand_id: str = "") -> str:
    """The key of a contact's customer: the brand's signed id first, else what the customer
    gave (an e-mail address or a phone number); blank when unknown."""
    if brand_id.strip():
        return f"id:{brand_id.strip()}"
    reference = reference.strip()
    if "@" in reference and not reference.startswith("sip:"):
        return email_key(reference)
    return phone_key(reference)
