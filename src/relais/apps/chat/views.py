"""The widget's HTTP side: its configuration, the pre-chat form, leaving a message or
asking for a callback when nobody can chat.

These endpoints serve anonymous customers (the widget runs on the brand's site): they
take and answer JSON, and refuse bad input with `{code, message}` in the chosen language.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from pydantic import BaseModel, ValidationError

from relais.apps.chat import limits, selectors, services
from relais.apps.chat.errors import ErrorCode
from relais.apps.chat.identity import IDENTITY_VERIFIED
from relais.apps.chat.models import ChatSession
from relais.apps.chat.notices import widget_notice
from relais.apps.chat.schemas import (
    CallbackForm,
    ConfigOut,
    IdentityOut,
    LeaveMessageForm,
    StartForm,
    StartOut,
    TopicOut,
)
from relais.apps.errors import RelaisError
from relais.apps.realtime.errors import ErrorCode as ProtocolError
from relais.apps.routing.selectors import queue_open


def _language(request: HttpRequest) -> str:
    return pick_language(request.GET.get("lang"))


def form_answer[F: BaseModel](
    body: bytes, hint: str, schema: type[F], action: Callable[[F], BaseModel | None]
) -> tuple[int, dict[str, Any]]:
    """A widget form: JSON in, validated, acted on; the status and JSON to answer, refusals
    as `{code, message}` in the customer's language (`hint`: the language of the page)."""
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return refused(RelaisError(ProtocolError.MALFORMED_JSON), pick_language(hint))
    if not isinstance(data, dict):
        return refused(RelaisError(ProtocolError.MALFORMED_JSON), pick_language(hint))
    language = pick_language(data.get("language") or hint)
    try:
        form = schema.model_validate(data)
    except ValidationError as invalid:
        fields = ", ".join(str(e["loc"][0]) for e in invalid.errors() if e["loc"])
        return refused(RelaisError(ErrorCode.INVALID_FORM, detail=fields or "?"), language)
    try:
        answer = action(form)
    except RelaisError as error:
        return refused(error, language)
    return 201, answer.model_dump(mode="json") if answer else {"ok": True}


def refused(error: RelaisError, language: str) -> tuple[int, dict[str, Any]]:
    """The status and `{code, message}` of a refusal, in `language` (fr or en)."""
    with translation.override(language):
        return error.status, error.as_dict()


def pick_language(value: Any) -> str:
    return "en" if str(value or "fr").startswith("en") else "fr"


def _form[F: BaseModel](
    request: HttpRequest, schema: type[F], action: Callable[[F], BaseModel | None]
) -> JsonResponse:
    wait = limits.form_wait(request.META.get("REMOTE_ADDR", ""))
    if wait:  # too many forms from this address: nothing is done (docs/security.md)
        error = RelaisError(ProtocolError.TOO_FAST, seconds=wait)
        status, payload = refused(error, pick_language(request.GET.get("lang", "")))
        response = JsonResponse(payload, status=status)
        response["Retry-After"] = str(wait)
        return response
    status, payload = form_answer(request.body, request.GET.get("lang", ""), schema, action)
    return JsonResponse(payload, status=status)


def chat_create(form: StartForm) -> StartOut:
    """The pre-chat form's action: the chat and the customer's token."""
    session, token = services.chat_start(form=form)
    return StartOut(token=token, socket="/ws/chat/", identity=_identity_out(session, form))


def _identity_out(session: ChatSession, form: StartForm) -> IdentityOut | None:
    """What became of the brand's signed identity, in the customer's language."""
    outcome = str(session.contact.attributes.get("identity") or "")
    if not outcome:
        return None
    if outcome == IDENTITY_VERIFIED:
        return IdentityOut(verified=True)
    with translation.override(form.language):
        error = RelaisError(ErrorCode(outcome)).as_dict()
    return IdentityOut(verified=False, code=error["code"], message=error["message"])


@require_GET
def config(request: HttpRequest) -> JsonResponse:
    """Topics in the customer's language, the one chosen by `queue`, and whether it is open."""
    language = _language(request)
    wanted = request.GET.get("queue", "")
    with translation.override(language):
        topics = list(selectors.topic_list())
        chosen = next((t for t in topics if t.queue.code == wanted), topics[0] if topics else None)
        message, callback = selectors.alternatives(chosen)
        out = ConfigOut(
            open=chosen is not None and queue_open(chosen.queue),
            topics=[TopicOut(code=t.code, label=t.label) for t in topics],
            topic=chosen.code if chosen else None,
            message=message,
            callback=callback,
            notice=widget_notice(language=language),
        )
    return JsonResponse(out.model_dump(mode="json"))


@csrf_exempt  # an anonymous customer on the brand's site: no session, nothing to forge
@require_POST
def start(request: HttpRequest) -> JsonResponse:
    """(Served by `chat.endpoint` in the ASGI application; this view serves the rest.)"""
    return _form(request, StartForm, chat_create)


@csrf_exempt
@require_POST
def leave_message(request: HttpRequest) -> JsonResponse:
    def leave(form: LeaveMessageForm) -> None:
        services.message_leave(form=form)

    return _form(request, LeaveMessageForm, leave)


@csrf_exempt
@require_POST
def callback(request: HttpRequest) -> JsonResponse:
    def ask(form: CallbackForm) -> None:
        services.callback_request(form=form)

    return _form(request, CallbackForm, ask)
