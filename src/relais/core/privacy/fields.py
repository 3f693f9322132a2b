"""Hiding one field of a customer's record."""

from __future__ import annotations

import re

MASK = "•••"


def mask_name(name: str) -> str:
    """The first name and the surname's initial: "Ana Martin Lopez" -> "Ana L."."""
    words = name.split()
    if len(words) < 2:
        return name.strip()
    return f"{words[0]} {words[-1][0]}."


def mask_email(email: str) -> str:
    """The first letter and the domain: "ana.martin@example.fr" -> "a•••@example.fr"."""
    email = email.strip()
    if not email:
        return ""
    if "@" not in email:
        return MASK
    local, domain = email.rsplit("@", 1)
    return f"{local[:1]}{MASK}@{domain}"


def mask_phone(phone: str) -> str:
    """The last two digits: "+33 6 12 34 56 78" -> "•••78"."""
    digits = re.sub(r"\D", "", phone)
    if not digits:
        return ""
    return f"{MASK}{digits[-2:]}" if len(digits) > 4 else MASK


def mask_address(address: str) -> str:
    return MASK if address.strip() else ""
