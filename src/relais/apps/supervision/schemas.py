from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field


class AgentStateChange(Schema):
    action: Literal["login", "logout", "break", "ready"]
    break_reason: str = "other"
    reason: str = Field(max_length=500)


class AgentStateRead(Schema):
    agent_id: int
    state: str
    break_reason: str


class OverflowOverrideSet(Schema):
    open: bool | None  # None: lift the override
    reason: str = Field(max_length=500)


class OverflowOverrideRead(Schema):
    id: int
    queue: str
    order: int
    after_seconds: int
    override: bool | None


class QueuePrioritySet(Schema):
    priority: int
    reason: str = Field(max_length=500)


class QueuePriorityRead(Schema):
    id: int
    code: str
    priority: int


class BroadcastCreate(Schema):
    target_kind: Literal["team", "site", "partner"]
    target_id: int
    message: str = Field(max_length=2000)
    reason: str = Field(max_length=500)


class BroadcastRead(Schema):
    id: int
    target_kind: str
    target_label: str
    message: str
    sent_at: dt.datetime
    recipients: list[int]
