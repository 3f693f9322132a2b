"""The REST API: one NinjaAPI, errors always as {code, message}; docs at /api/docs."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

from relais.apps.accounts.api import router as accounts_router
from relais.apps.accounts.auth import API_AUTH
from relais.apps.accounts.errors import ErrorCode
from relais.apps.desktop.api import router as desktop_router
from relais.apps.errors import RelaisError
from relais.apps.interactions.api import router as interactions_router
from relais.apps.l10n.validation import problems_of, summary_of
from relais.apps.organisation.api import router as organisation_router
from relais.apps.router.api import router as routing_router
from relais.apps.simulation.api import router as simulation_router
from relais.apps.sourcing.api import router as sourcing_router
from relais.apps.supervision.api import router as supervision_router
from relais.apps.wfm.api import router as wfm_router
from relais.config.openapi import RelaisAPI

api = RelaisAPI(
    title="Relais API",
    version="1",
    description="Relais contact-centre platform. Errors answer {code, message}.",
    auth=API_AUTH,
    urls_namespace="api",
)
api.add_router("/v1/", accounts_router)
api.add_router("/v1/", organisation_router)
api.add_router("/v1/", routing_router)
api.add_router("/v1/", interactions_router)
api.add_router("/v1/", desktop_router)
api.add_router("/v1/", wfm_router)
api.add_router("/v1/", simulation_router)
api.add_router("/v1/", supervision_router)
api.add_router("/v1/", sourcing_router)


def _error(request: HttpRequest, error: RelaisError, **extra: object) -> HttpResponse:
    return api.create_response(request, {**error.as_dict(), **extra}, status=error.status)


@api.exception_handler(RelaisError)
def relais_error(request: HttpRequest, exc: RelaisError) -> HttpResponse:
    return _error(request, exc)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = problems_of(exc.errors)  # in the reader's language, not pydantic's English
    if any(err.get("type") == "json_invalid" for err in exc.errors):
        return _error(request, RelaisError(ErrorCode.MALFORMED_JSON))
    summary = summary_of(details)
    return _error(request, RelaisError(ErrorCode.INVALID_INPUT, details=summary), details=details)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, RelaisError(ErrorCode.NOT_AUTHENTICATED))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, RelaisError(ErrorCode.NOT_FOUND, kind=_("resource")))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        return _error(request, RelaisError(ErrorCode.MALFORMED_JSON))
    if exc.status_code == 403 and "CSRF" in str(exc):
        return _error(request, RelaisError(ErrorCode.CSRF_FAILED))
    return api.create_response(
        request, {"code": "http_error", "message": str(exc)}, status=exc.status_code
    )
