"""Reads of the voice record: the number a call dialled, its call by SIP Call-ID, the calls
still up (for a standby taking over), and how an agent's phone is reached."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from relais.apps.deskstream.events import ChatView
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import Contact, ContactState
from relais.apps.privacy.selectors import agent_masking
from relais.apps.voice import queries
from relais.apps.voice.errors import ErrorCode
from relais.apps.voice.models import Call, CallState, LineKind, Number
from relais.apps.voice.stack.credentials import agent_sip_user
from relais.core.privacy import Masking, mask_reference

_SEPARATORS = re.compile(r"[\s.()-]")


def e164(dialled: str) -> str:
    """A dialled number as written in `Number.number`: separators dropped, 00 and a bare
    international number given their plus ("0033 1 99…" and "33199…" -> "+33199…")."""
    digits = _SEPARATORS.sub("", dialled)
    if digits.startswith("00"):
        return f"+{digits[2:]}"
    if digits.isdigit():
        return f"+{digits}"
    return digits


def number_for(dialled: str) -> Number:
    """The active number dialled, with its queue; `unknown_number` (SIP 404) otherwise."""
    number = (
        Number.objects.select_related("queue").filter(number=e164(dialled), active=True).first()
    )
    if number is None:
        raise RelaisError(ErrorCode.UNKNOWN_NUMBER, value=dialled)
    return number


def call_by_sip_id(call_id: str) -> Call:
    call = Call.objects.select_related("number", "contact__queue").filter(sip_call_id=call_id)
    found = call.first()
    if found is None:
        raise RelaisError(ErrorCode.UNKNOWN_CALL, value=call_id)
    return found


def call_of(contact_id: int) -> Call:
    call = Call.objects.filter(contact_id=contact_id).first()
    if call is None:
        raise RelaisError(ErrorCode.UNKNOWN_CALL, value=contact_id)
    return call


@dataclass(frozen=True)
class EstablishedCall:
    """A call still up, as a standby voice service needs it to carry on or end it."""

    contact_id: int
    call_id: str  # the caller leg's SIP Call-ID
    state: str  # CallState
    contact_state: str  # the contact's (queued, offered, accepted…)
    agent_id: int | None
    queue_code: str
    language: str
    dialog: dict[str, Any]


def calls_established() -> list[EstablishedCall]:
    """Every call not ended, oldest first."""
    calls = (
        Call.objects.exclude(state=CallState.ENDED)
        .select_related("contact__queue", "number")
        .order_by("contact_id")
    )
    return [
        EstablishedCall(
            contact_id=call.contact_id,
            call_id=call.sip_call_id,
            state=call.state,
            contact_state=call.contact.state,
            agent_id=call.contact.agent_id,
            queue_code=call.contact.queue.code,
            language=call.number.language,
            dialog=call.dialog,
        )
        for call in calls
    ]


def agent_aor(agent_id: int) -> str:
    """The agent's SIP address of record (docs/voice.md, "Addresses and names")."""
    return f"sip:{agent_sip_user(agent_id)}@{settings.SIP_DOMAIN}"


@dataclass(frozen=True)
class LineTarget:
    """Where to send an agent's INVITE: their address of record (registered by the
    softphone or the phone) or a desk phone's fixed contact."""

    kind: str  # LineKind
    uri: str


def line_targets(agent_ids: Iterable[int]) -> dict[int, LineTarget]:
    """Where each agent's calls ring; an agent without a line rings in the browser (the
    desktop's softphone)."""
    ids = set(agent_ids)
    lines = {line.agent_id: line for line in queries.agent_lines(ids)}
    targets = {}
    for agent_id in ids:
        line = lines.get(agent_id)
        if line is None:
            targets[agent_id] = LineTarget(LineKind.BROWSER, agent_aor(agent_id))
        else:
            targets[agent_id] = LineTarget(line.kind, line.static_contact or agent_aor(agent_id))
    return targets


def line_target(agent_id: int) -> LineTarget:
    return line_targets([agent_id])[agent_id]


def caller_shown(caller: str, masking: Masking) -> str:
    """The caller's number as `masking` lets its viewer see it."""
    return mask_reference(caller, masking)


def caller_for_agent(contact: Contact, agent_id: int) -> str:
    """The caller's display name in the INVITE to an agent: their number, masked per the
    agent's site or partner policy (privacy.agent_masking)."""
    return caller_shown(contact.customer_reference, agent_masking(agent_id))


def call_view(contact: Contact, agent_id: int) -> ChatView:
    """The call as the agent's desktop opens it when they answer (their own accept does the
    same for a chat): no transcript, the caller as the agent may see them."""
    return ChatView(
        contact_id=contact.pk,
        queue=contact.queue.code,
        queue_label=contact.queue.label,
        customer_name=caller_for_agent(contact, agent_id),
        language=str(contact.attributes.get("language", "")),
        topic=str(contact.attributes.get("topic", "")),
        state=ContactState.ACCEPTED.value,
        messages=[],
        channel=contact.channel,
    )
