"""Hiding what a free text carries: card numbers and IBANs always, e-mail addresses when the
masking hides e-mails, and the masking's own patterns."""

from __future__ import annotations

import re

from relais.core.privacy.fields import MASK, mask_email
from relais.core.privacy.masking import Masking
from relais.core.privacy.patterns import PatternError, compile_patterns
from relais.core.privacy.payment import card_numbers, ibans

_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")


def card_mask(digits: str) -> str:
    """What is shown of a card number: its last four digits (PCI-DSS allows at most the
    first six and the last four; Relais needs neither)."""
    return f"{MASK} {digits[-4:]}"


def iban_mask(iban: str) -> str:
    """What is shown of an IBAN: its country and its last four characters."""
    return f"{iban[:2]}{MASK} {iban[-4:]}"


def _spans(text: str, masking: Masking) -> list[tuple[int, int, str]]:
    spans = [(s, e, card_mask(d)) for s, e, d in card_numbers(text)]
    spans += [(s, e, iban_mask(i)) for s, e, i in ibans(text)]
    if masking.email:
        spans += [(m.start(), m.end(), mask_email(m.group())) for m in _EMAIL.finditer(text)]
    if masking.patterns:
        try:
            compiled = compile_patterns(masking.patterns)
        except PatternError:  # stored before a check that now refuses it: hide the text
            return [(0, len(text), MASK)] if text else []
        for pattern in compiled:
            spans += [
                (m.start(), m.end(), MASK) for m in pattern.finditer(text) if m.end() > m.start()
            ]
    return spans


def mask_text(text: str, masking: Masking) -> str:
    """The text with what it must not show replaced; overlapping finds merge (the first
    found, then the longest, wins their replacement)."""
    if not text:
        return text
    spans = sorted(_spans(text, masking), key=lambda s: (s[0], -s[1]))
    if not spans:
        return text
    parts: list[str] = []
    at = 0
    for start, end, shown in spans:
        if start < at:  # inside what was replaced already
            if end > at:
                at = end
            continue
        parts += [text[at:start], shown]
        at = end
    parts.append(text[at:])
    return "".join(parts)
