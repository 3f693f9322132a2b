"""What a viewer may not see of a customer: one `Masking` per viewer, resolved from the
policies of the sites they work for (relais.apps.privacy.selectors)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Masking:
    """Which fields are hidden. Payment card numbers and IBANs in free text are hidden from
    everybody, whatever the masking (PCI-DSS: a card number is never shown)."""

    surname: bool = True  # the first name and the surname's initial only
    email: bool = True
    phone: bool = True
    address: bool = True
    patterns: tuple[str, ...] = ()  # the policy's own, validated (patterns.pattern_check)

    @property
    def hides_any_field(self) -> bool:
        return self.surname or self.email or self.phone or self.address


#: No policy where one is required (a partner's or a home site): every field hidden.
CLOSED = Masking()
#: The whole organisation's view (and an inshore site without policy): every field shown.
OPEN = Masking(surname=False, email=False, phone=False, address=False)


def strictest(maskings: list[Masking]) -> Masking:
    """A field hidden by any of them is hidden; their patterns together. None: CLOSED."""
    if not maskings:
        return CLOSED
    patterns: list[str] = []
    for masking in maskings:
        patterns += [p for p in masking.patterns if p not in patterns]
    return Masking(
        surname=any(m.surname for m in maskings),
        email=any(m.email for m in maskings),
        phone=any(m.phone for m in maskings),
        address=any(m.address for m in maskings),
        patterns=tuple(patterns),
    )
