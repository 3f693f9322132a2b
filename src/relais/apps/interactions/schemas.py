"""One input and one output schema per endpoint of the contacts and presence API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AwareDatetime, Field, StringConstraints

QueueCode = Annotated[str, StringConstraints(min_length=1, max_length=40)]


class ContactCreate(Schema):
    queue: QueueCode
    channel: Literal["voice", "chat", "email", "callback", "outbound"] | None = None
    direction: Literal["inbound", "outbound"] = "inbound"
    customer_reference: Annotated[str, StringConstraints(max_length=120)] = ""
    priority: Annotated[int, Field(ge=-100, le=100)] | None = None
    attributes: dict[str, Any] = {}
    #: The brand's own id of the customer (their `customer_key` is then `id:<it>`).
    customer_id: Annotated[str, StringConstraints(max_length=100)] = ""
    #: A callback at a chosen time (with its zone): routed from then on.
    scheduled_for: AwareDatetime | None = None


class ContactRead(Schema):
    id: int
    channel: str
    direction: str
    queue: str
    customer_reference: str
    priority: int
    attributes: dict[str, Any]
    state: str
    close_reason: str
    overflow_step: int
    agent_id: int | None
    site_id: int | None
    partner_id: int | None
    created_at: dt.datetime
    queued_at: dt.datetime | None
    offered_at: dt.datetime | None
    offer_expires_at: dt.datetime | None
    accepted_at: dt.datetime | None
    wrap_up_at: dt.datetime | None
    closed_at: dt.datetime | None
    abandoned_at: dt.datetime | None
    transferred_at: dt.datetime | None
    timed_out_at: dt.datetime | None
    scheduled_for: dt.datetime | None = None
    #: The wrap-up reason's code once the agent chose it (the log's `contact.wrapped_up`).
    outcome: str = ""

    @staticmethod
    def resolve_queue(obj: Any) -> str:
        return str(obj.queue.code)

    @staticmethod
    def resolve_outcome(obj: Any) -> str:
        return str(getattr(obj, "outcome", "") or "")


class ContactTransfer(Schema):
    """Either a queue's code or an agent's id."""

    queue: QueueCode | None = None
    agent_id: int | None = None


class PresenceChange(Schema):
    action: Literal["login", "logout", "break", "available"]
    reason: (
        Literal["lunch", "prayer", "training", "coaching", "technical_incident", "other"] | None
    ) = None


class PresenceRead(Schema):
    agent_id: int
    state: str
    break_reason: str
    since: dt.datetime | None
