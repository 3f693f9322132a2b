from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase


class ErrorCode(ErrorCodeBase):
    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    INVALID_INPUT = "invalid_input"
    MALFORMED_JSON = "malformed_json"
    TOKEN_REVOKED = "token_revoked"  # noqa: S105
    CSRF_FAILED = "csrf_failed"

    @property
    def status(self) -> int:
        return _STATUS.get(self, 400)

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_STATUS = {
    ErrorCode.NOT_AUTHENTICATED: 401,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.TOKEN_REVOKED: 401,
    ErrorCode.CSRF_FAILED: 403,
}

_MESSAGES = {
    ErrorCode.NOT_AUTHENTICATED: _("Authentication required: log in or send an API token."),
    ErrorCode.PERMISSION_DENIED: _("Your role does not allow this action."),
    ErrorCode.NOT_FOUND: _("No such %(kind)s."),
    ErrorCode.INVALID_INPUT: _("The request is invalid: %(details)s"),
    ErrorCode.MALFORMED_JSON: _("The request body is not valid JSON."),
    ErrorCode.TOKEN_REVOKED: _("This API token has been revoked."),
    ErrorCode.CSRF_FAILED: _(
        "The CSRF check failed: send the X-CSRFToken header with the session, or use an API token."
    ),
}
