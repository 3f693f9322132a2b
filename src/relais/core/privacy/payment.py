"""Payment card numbers (Luhn) and IBANs (ISO 13616, mod 97) in free text.

A candidate is a run of digits (cards) or of a country code, two check digits and letters or
digits (IBANs), grouped by single spaces or dashes as people type them; it is only taken
when its checksum holds, so an order or parcel number of the same shape is left alone
(unless it happens to pass the check: one in ten for Luhn, one in 97 for IBANs).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

#: 13 to 19 digits, single spaces or dashes between them, not inside a longer number.
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d]|-\d)")
#: A country code, two check digits, then letters and digits (spaces between groups).
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}(?![A-Za-z0-9])")
IBAN_MIN, IBAN_MAX = 15, 34


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum of a string of digits (ISO/IEC 7812)."""
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def iban_valid(iban: str) -> bool:
    """ISO 13616: the country code and check digits moved to the end, letters as numbers
    (A = 10 … Z = 35), the whole number mod 97 is 1."""
    compact = iban.replace(" ", "").upper()
    if not (IBAN_MIN <= len(compact) <= IBAN_MAX) or not compact.isalnum():
        return False
    if not (compact[:2].isalpha() and compact[2:4].isdigit()):
        return False
    moved = compact[4:] + compact[:4]
    number = "".join(str(int(char, 36)) for char in moved)
    return int(number) % 97 == 1


def card_numbers(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, digits) of each Luhn-valid card number in the text."""
    for found in _CARD.finditer(text):
        digits = re.sub(r"[ -]", "", found.group())
        if luhn_valid(digits):
            yield found.start(), found.end(), digits


def ibans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, compact IBAN) of each valid IBAN in the text; a candidate that ran on
    into the next word is shortened, group by group, until its checksum holds."""
    for found in _IBAN.finditer(text):
        candidate = found.group()
        while candidate:
            compact = candidate.replace(" ", "").upper()
            if len(compact) < IBAN_MIN:
                break
            if iban_valid(compact):
                yield found.start(), found.start() + len(candidate), compact
                break
            candidate = candidate[:-1].rstrip()
