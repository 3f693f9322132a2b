"""The web process's health and metrics (docs/operations.md): anonymous, plain answers for
load balancers and Prometheus; the reverse proxy keeps them off the public address, and
`RELAIS_METRICS_TOKEN` (when set) is required as a bearer token for `/metrics`."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from relais.apps.operations.exposition import CONTENT_TYPE, metrics_text
from relais.apps.operations.health import process_health


@never_cache
@require_GET
def health_live(request: HttpRequest) -> JsonResponse:
    """The process answers: nothing else (a restart cures nothing more for a web process)."""
    return JsonResponse({"status": "ok", "process": "web", "checks": {}})


@never_cache
@require_GET
def health_ready(request: HttpRequest) -> JsonResponse:
    health = process_health("web")
    return JsonResponse(health.as_dict(), status=200 if health.ready else 503)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            return HttpResponse(status=401, headers={"WWW-Authenticate": "Bearer"})
    return HttpResponse(metrics_text(record=True), content_type=CONTENT_TYPE)
