"""What the agent legs the B2BUA places share: its own headers on their INVITEs, spelt as
written here (sippy writes other headers capitalised), and the transport's spelling."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sippy.SipGenericHF import SipGenericHF

if TYPE_CHECKING:
    from sippy.UA import UA


def transport_lowered(ua: UA) -> None:
    """sippy knows "udp", and takes a Contact's `transport=UDP` as it is written (SIPp, many
    phones); transports are case-insensitive (RFC 3261, 19.1.1)."""
    for name in ("rAddr", "rAddr0"):
        value = getattr(ua, name, None)
        if value is not None and isinstance(value[1], str) and value[1] != value[1].lower():
            setattr(ua, name, (value[0], value[1].lower()))


class RelaisContactHF(SipGenericHF):  # type: ignore[misc]
    """`X-Relais-Contact: <contact id>`: the contact this call is."""

    hf_names = ("x-relais-contact",)

    def getCanName(self, name: str, compact: bool = False) -> str:
        return "X-Relais-Contact"


class RelaisConsultHF(SipGenericHF):  # type: ignore[misc]
    """`X-Relais-Consult: <consulting agent id>`: a colleague consults you about this call."""

    hf_names = ("x-relais-consult",)

    def getCanName(self, name: str, compact: bool = False) -> str:
        return "X-Relais-Consult"
