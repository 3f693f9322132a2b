"""A contact's event log as people read it: what happened, when, labelled in the reader's
language (the desktop's previous contacts, the contact's API; docs/voice.md, "The record").

The call detail (`call.*`: ringing, answered, hold, keypad, agent lost, ended…) sits beside
the contact's own events. Nothing in it names the customer (keypad digits are not kept, only
how many were pressed), so it needs no masking.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from pydantic import BaseModel

from relais.apps.interactions.models import ContactEvent, EventKind

#: What the voice service and the router give as a reason, in words.
_REASONS = {
    "expired": _("no answer in time"),
    "abandoned": _("the customer left"),
    "transferred": _("transferred"),
    "agent_logged_out": _("the agent logged out"),
    "agent_disconnected": _("the agent's connection was lost"),
    "agent_lost": _("the agent's phone was lost"),
    "browser_gone": _("the agent's browser closed"),
    "no_media": _("no audio from the agent"),
    "unreachable": _("the agent's phone could not be reached"),
    "customer_left": _("the customer's line was gone"),
    # a consultation's end (call.consult)
    "back_to_caller": _("the agent went back to the caller"),
    "declined": _("the colleague declined"),
    "no_answer": _("the colleague did not answer"),
    "colleague_hung_up": _("the colleague hung up"),
    "caller_hung_up": _("the caller hung up"),
    "agent_hung_up": _("the agent hung up"),
    "failed": _("the colleague's phone could not be reached"),
    "call_closed": _("the call was ended by the system"),
}
#: A consultation's steps (call.consult).
_STEPS = {
    "started": _("colleague called, the caller on hold"),
    "answered": _("the colleague answered"),
    "ended": _("consultation ended"),
    "completed": _("handed over to the colleague"),
}
#: The start of a consultation of a queue (call.consult with `to_queue`): the queue's code
#: and the colleague the routing engine picked (their agent id, as the log's `agent_id`).
_QUEUE_STARTED = _("queue %(queue)s consulted: agent %(agent)s called, the caller on hold")
_BY = {
    "caller": _("hung up by the caller"),
    "agent": _("hung up by the agent"),
    "system": _("ended by the system"),
}


class ContactEventView(BaseModel):
    at: dt.datetime
    kind: str
    label: str
    agent_id: int | None
    detail: str


def _detail(data: dict[str, Any]) -> str:
    parts: list[str] = []
    consulted = data.get("step") == "started" and data.get("to_queue")
    if consulted:
        parts.append(
            str(_QUEUE_STARTED % {"queue": data["to_queue"], "agent": data.get("to_agent")})
        )
    elif data.get("step") in _STEPS:
        parts.append(str(_STEPS[data["step"]]))
    if data.get("by") in _BY:
        parts.append(str(_BY[data["by"]]))
    if "sip" in data:
        parts.append(str(_("SIP answer %(status)s") % {"status": data["sip"]}))
    if isinstance(data.get("count"), int):
        count = data["count"]
        parts.append(ngettext("%(count)s key", "%(count)s keys", count) % {"count": count})
    reason = data.get("reason")
    if reason:
        parts.append(str(_REASONS.get(reason, reason)))
    if data.get("to_queue") and data.get("step") not in _STEPS:  # a consultation's: said above
        parts.append(str(_("to the queue %(queue)s") % {"queue": data["to_queue"]}))
    return ", ".join(parts)


def contact_timeline(contact_id: int) -> list[ContactEventView]:
    """The contact's events in order (the caller has checked the viewer may see it)."""
    labels = dict(EventKind.choices)
    rows = ContactEvent.objects.filter(contact_id=contact_id).order_by("id")
    return [
        ContactEventView(
            at=row.at,
            kind=row.kind,
            label=str(labels.get(row.kind, row.kind)),
            agent_id=row.agent_id,
            detail=_detail(row.data or {}),
        )
        for row in rows.only("at", "kind", "agent_id", "data")
    ]
