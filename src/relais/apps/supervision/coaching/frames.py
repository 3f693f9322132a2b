"""Frames of the coaching WebSocket (`/ws/supervision/coaching/`), docs/events-protocol.md."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from relais.apps.chat.models import MAX_BODY_CHARS
from relais.apps.deskstream.events import HelpMessageView, MessageView
from relais.apps.realtime.frames import RecordId


class In(BaseModel):
    model_config = {"extra": "forbid"}


class ThreadIn(In):
    """Open (watch) an agent's help thread."""

    type: Literal["thread"]
    agent_id: RecordId


class InstantMessageIn(In):
    type: Literal["im"]
    agent_id: RecordId
    client_id: str = Field(min_length=1, max_length=64)
    body: str = Field(max_length=MAX_BODY_CHARS)
    reason: str = Field(default="", max_length=500)


class JoinIn(In):
    type: Literal["join"]
    contact_id: RecordId
    mode: Literal["silent", "visible"]
    reason: str = Field(max_length=500)


class SayIn(In):
    type: Literal["say"]
    contact_id: RecordId
    client_id: str = Field(min_length=1, max_length=64)
    body: str = Field(max_length=MAX_BODY_CHARS)


class ThreadFrame(BaseModel):
    type: Literal["coaching.thread"] = "coaching.thread"
    agent_id: RecordId
    agent_name: str
    messages: list[HelpMessageView]


class InstantMessageFrame(BaseModel):
    type: Literal["coaching.im"] = "coaching.im"
    agent_id: RecordId
    message: HelpMessageView


class ChatFrame(BaseModel):
    """A joined chat: everything said so far; `coaching.chat_message` frames follow."""

    type: Literal["coaching.chat"] = "coaching.chat"
    contact_id: RecordId
    agent_id: RecordId
    agent_name: str
    customer_name: str
    mode: str
    messages: list[MessageView]


class ChatMessageFrame(BaseModel):
    type: Literal["coaching.chat_message"] = "coaching.chat_message"
    contact_id: RecordId
    message: MessageView


class TeamHelpFrame(HelpMessageView):
    """An instant message as the agent's team supervisors get it on `help-team-<team>` (the
    desktop pushes the agent's own questions there in the same shape)."""

    type: Literal["help.message"] = "help.message"
    agent: str


class ChatLeftFrame(BaseModel):
    """The joined chat left the viewer's scope (transferred to an agent outside it, or back
    to a queue): no more of its messages come; join it again if it comes back."""

    type: Literal["coaching.chat_left"] = "coaching.chat_left"
    contact_id: RecordId
    reason: Literal["out_of_scope"] = "out_of_scope"
