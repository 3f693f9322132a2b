"""Each HTTP request gets an id, in its log lines and in its answer (`X-Request-ID`): the
proxy's when it sent one (nginx `$request_id`), else a new one (docs/operations.md, "Logs")."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from relais.apps.telemetry.logs import new_request_id, request_id


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        current = new_request_id(request.headers.get("X-Request-ID", ""))
        token = request_id.set(current)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = current
        return response
