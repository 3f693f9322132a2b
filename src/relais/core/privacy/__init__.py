"""Masking of customers' personal data, pure Python (docs/privacy.md).

`Masking` says which fields a viewer may not see; `mask_name`, `mask_email`, `mask_phone`,
`mask_address` and `mask_reference` hide one field; `mask_text` hides what a free text
(a chat message, a left message) carries: payment card numbers (Luhn-checked) and IBANs
(checksum-validated) always, e-mail addresses when e-mails are masked, and the policy's own
patterns (RE2: linear time whatever the pattern).
"""

from relais.core.privacy.fields import MASK, mask_address, mask_email, mask_name, mask_phone
from relais.core.privacy.masking import CLOSED, OPEN, Masking, strictest
from relais.core.privacy.patterns import (
    PatternError,
    compile_patterns,
    parse_patterns,
    pattern_check,
)
from relais.core.privacy.payment import card_numbers, iban_valid, ibans, luhn_valid
from relais.core.privacy.record import mask_attributes, mask_reference
from relais.core.privacy.text import mask_text

__all__ = [
    "CLOSED",
    "MASK",
    "OPEN",
    "Masking",
    "PatternError",
    "card_numbers",
    "compile_patterns",
    "iban_valid",
    "ibans",
    "luhn_valid",
    "mask_address",
    "mask_attributes",
    "mask_email",
    "mask_name",
    "mask_phone",
    "mask_reference",
    "mask_text",
    "parse_patterns",
    "pattern_check",
    "strictest",
]
