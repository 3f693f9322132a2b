"""No text with the NUL character reaches a view: PostgreSQL cannot store it (a string with
U+0000 is refused by the database, a 500 where SQLite stored it), and no person types it.
Query strings, JSON bodies and url-encoded form bodies are checked; multipart bodies are not
(read here, a large upload would be held in memory, and uploaded bytes are their own). The
API answers `invalid_input` as JSON, a page answers a plain 400. A body larger than
`DATA_UPLOAD_MAX_MEMORY_SIZE` is refused the same way, before anything reads it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from relais.apps.accounts.errors import ErrorCode
from relais.apps.errors import RelaisError

NUL = "\x00"


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def request_holds_nul(request: HttpRequest) -> bool:
    if NUL in request.path or any(NUL in k or NUL in v for k, v in request.GET.items()):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    if request.content_type == "application/json":
        if b"\\u0000" not in request.body and b"\x00" not in request.body:
            return False
        try:
            return _holds_nul(json.loads(request.body))
        except ValueError:
            return False  # not JSON: the view says so
    if request.content_type == "application/x-www-form-urlencoded":
        body = request.body  # first: a view may read the body after this (POST is parsed from it)
        if b"%00" not in body and b"\x00" not in body:
            return False
        return any(NUL in k or NUL in v for k, v in request.POST.items())
    return False


class NulRefusedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            if not request_holds_nul(request):
                return self.get_response(request)
            details = _("text may not contain the NUL character")
        except RequestDataTooBig:
            details = _("the request is larger than %(size)s bytes") % {
                "size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            }
        error = RelaisError(ErrorCode.INVALID_INPUT, details=details)
        if request.path.startswith("/api/"):
            return JsonResponse(error.as_dict(), status=400)
        return HttpResponse(str(error.message), status=400, content_type="text/plain")
