"""The pre-chat form (`POST /chat/start`) as a lean ASGI endpoint, outside Django's
request handling.

Every chat begins here, many times a second at a busy site (bench.chat_load). Through
Django each request got a thread of its own, the middleware chain and the request
signals, and under load requests queued for those threads. Here the body is read on the
event loop and the form is handled (`views.form_answer`, as the Django view does) on the
consumers' database threads. What the middleware would give this anonymous JSON endpoint is
done here: the Host checked against ALLOWED_HOSTS, a size limit, no-sniff and no-store
headers; no session, no CSRF (the view is exempt too: an anonymous customer, nothing to
forge). New chats are limited per IP address (`chat/limits.py`): beyond the limit, 429
`too_fast` with `Retry-After`, and no chat is created.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings
from django.http.request import split_domain_port, validate_host

from relais.apps.chat import limits
from relais.apps.chat.errors import ErrorCode
from relais.apps.chat.schemas import StartForm
from relais.apps.chat.views import chat_create, form_answer, pick_language, refused
from relais.apps.errors import RelaisError
from relais.apps.realtime.consumers import db
from relais.apps.realtime.errors import ErrorCode as ProtocolError

PATH = "/chat/start"
MAX_BODY_BYTES = 64 * 1024

Scope = dict[str, Any]


def handles(scope: Scope) -> bool:
    return bool(scope["type"] == "http" and scope["path"] == PATH and scope["method"] == "POST")


@db
def _answer(body: bytes, hint: str) -> tuple[int, dict[str, Any]]:
    return form_answer(body, hint, StartForm, chat_create)


async def chat_start_endpoint(scope: Scope, receive: Any, send: Any) -> None:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    lang = query.get("lang", [""])[0]  # the page's language, as request.GET reads it
    headers = dict(scope["headers"])
    host, _ = split_domain_port(headers.get(b"host", b"").decode("latin-1"))
    if not validate_host(host, settings.ALLOWED_HOSTS):
        error = RelaisError(ErrorCode.BAD_HOST, value=host[:80])
        await _respond(send, *refused(error, pick_language(lang)))
        return
    wait = await limits.start_wait(scope)
    if wait:
        error = RelaisError(ProtocolError.TOO_FAST, seconds=wait)
        await _respond(send, *refused(error, pick_language(lang)), retry_after=wait)
        return
    body = b""
    while True:
        event = await receive()
        if event["type"] == "http.disconnect":
            return
        body += event.get("body", b"")
        if len(body) > MAX_BODY_BYTES:
            error = RelaisError(ErrorCode.TOO_LARGE, limit=MAX_BODY_BYTES)
            await _respond(send, *refused(error, pick_language(lang)))
            return
        if not event.get("more_body"):
            break
    status, payload = await _answer(body, lang)
    await _respond(send, status, payload)


async def _respond(
    send: Any, status: int, payload: dict[str, Any], *, retry_after: int | None = None
) -> None:
    body = json.dumps(payload).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"cache-control", b"no-store"),
        (b"referrer-policy", b"same-origin"),
    ]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
