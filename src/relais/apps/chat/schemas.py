"""Frames between the customer's widget and the chat consumer, and the widget's HTTP forms.

Everything the customer receives is one of these models: nothing else leaves for the
customer's browser, so no site, partner or surname can slip out (an agent is a first name).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from relais.apps.chat.models import MAX_BODY_CHARS
from relais.apps.realtime.frames import RecordId


def _email(value: str) -> str:
    value = value.strip()
    if value:
        try:
            validate_email(value)
        except ValidationError as error:
            raise ValueError(str(_("this is not an e-mail address"))) from error
    return value.lower()


EmailStr = Annotated[str, Field(max_length=254), AfterValidator(_email)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- from the customer ---------------------------------------------------------------------


class StartForm(Strict):
    """The pre-chat form."""

    topic: str = Field(max_length=40)
    name: str = Field(min_length=1, max_length=120)
    email: EmailStr = ""
    language: Literal["fr", "en"] = "fr"
    message: str = Field(default="", max_length=MAX_BODY_CHARS)
    client_id: str = Field(default="", max_length=64)
    #: The brand's signed customer identity (chat/identity.py); empty: anonymous.
    identity: str = Field(default="", max_length=2000)


class LeaveMessageForm(Strict):
    topic: str = Field(max_length=40)
    name: str = Field(min_length=1, max_length=120)
    email: EmailStr
    language: Literal["fr", "en"] = "fr"
    message: str = Field(min_length=1, max_length=MAX_BODY_CHARS)


class CallbackForm(Strict):
    topic: str = Field(max_length=40)
    name: str = Field(min_length=1, max_length=120)
    phone: str = Field(min_length=6, max_length=30, pattern=r"^\+?[0-9 ().-]{6,30}$")
    at: dt.datetime
    language: Literal["fr", "en"] = "fr"


class HelloIn(Strict):
    type: Literal["hello"]
    token: str = Field(max_length=100)
    last_id: RecordId = 0


class MessageIn(Strict):
    type: Literal["message"]
    client_id: str = Field(min_length=1, max_length=64)
    body: str = Field(max_length=MAX_BODY_CHARS)


class TypingIn(Strict):
    type: Literal["typing"]


class EndIn(Strict):
    type: Literal["end"]


class VisibilityIn(Strict):
    """The page was hidden (a phone switched to another app) or shown again."""

    type: Literal["visibility"]
    hidden: bool


class ByeIn(Strict):
    """The page is closing (or leaving for another page of the site)."""

    type: Literal["bye"]


class LeaveMessageIn(Strict):
    type: Literal["leave_message"]
    email: EmailStr
    message: str = Field(min_length=1, max_length=MAX_BODY_CHARS)


class CallbackIn(Strict):
    type: Literal["callback"]
    phone: str = Field(min_length=6, max_length=30, pattern=r"^\+?[0-9 ().-]{6,30}$")
    at: dt.datetime


# -- to the customer -----------------------------------------------------------------------


class CustomerMessage(BaseModel):
    """A message as the customer sees it: the agent is a first name, nothing more."""

    id: int
    sender: Literal["customer", "agent", "system", "supervisor"]
    author: str
    event: str
    body: str
    client_id: str
    created: dt.datetime


class Welcome(BaseModel):
    type: Literal["welcome"] = "welcome"
    state: Literal["waiting", "connected", "ended"]
    agent: str
    last_id: int


class MessageOut(BaseModel):
    type: Literal["message"] = "message"
    message: CustomerMessage


class Typing(BaseModel):
    type: Literal["typing"] = "typing"


class QueuePosition(BaseModel):
    type: Literal["queue.position"] = "queue.position"
    position: int
    wait_seconds: int | None


class AlternativesOffered(BaseModel):
    """Nobody can answer now: leave a message or ask for a callback."""

    type: Literal["alternatives"] = "alternatives"
    reason: Literal["closed", "callback_offered"]
    message: bool = True  # a message may be left (an e-mail queue takes it)
    callback: bool = True  # a callback may be asked for


class Done(BaseModel):
    """The customer's leave-message or callback request was taken."""

    type: Literal["done"] = "done"
    what: Literal["message", "callback"]


class TopicOut(BaseModel):
    code: str
    label: str


class ConfigOut(BaseModel):
    open: bool
    topics: list[TopicOut]
    topic: str | None
    message: bool  # the chosen topic takes left messages
    callback: bool  # and callbacks
    notice: str = ""  # shown above all (a crisis message, apps/crisis)


class IdentityOut(BaseModel):
    """Whether the brand's signed identity was accepted; when not, why (the chat goes on
    as a guest's)."""

    verified: bool
    code: str = ""
    message: str = ""


class StartOut(BaseModel):
    token: str
    socket: str
    identity: IdentityOut | None = None
