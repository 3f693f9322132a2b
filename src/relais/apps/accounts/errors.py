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
    TOKEN_EXPIRED = "token_expired"  # noqa: S105
    TOKEN_PASSWORD_CHANGED = "token_password_changed"  # noqa: S105
    TOKEN_SCOPE = "token_scope"  # noqa: S105
    TOKEN_CANNOT_CREATE_TOKENS = "token_cannot_create_tokens"  # noqa: S105
    TOKENS_NOT_FOR_ROLE = "tokens_not_for_role"
    TWO_FACTOR_REQUIRED = "two_factor_required"
    TWO_FACTOR_CODE_INVALID = "two_factor_code_invalid"
    NETWORK_REFUSED = "network_refused"

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
    ErrorCode.TOKEN_EXPIRED: 401,
    ErrorCode.TOKEN_PASSWORD_CHANGED: 401,
    ErrorCode.TOKEN_SCOPE: 403,
    ErrorCode.TOKEN_CANNOT_CREATE_TOKENS: 403,
    ErrorCode.TOKENS_NOT_FOR_ROLE: 403,
    ErrorCode.TWO_FACTOR_REQUIRED: 403,
    ErrorCode.NETWORK_REFUSED: 403,
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
    ErrorCode.TOKEN_EXPIRED: _("This API token has expired: create a new one."),
    ErrorCode.TOKEN_PASSWORD_CHANGED: _(
        "This API token died with its owner's password change: create a new one."
    ),
    ErrorCode.TOKEN_SCOPE: _(
        "This API token may not do this: its scopes are %(scopes)s, this request needs %(needed)s."
    ),
    ErrorCode.TOKEN_CANNOT_CREATE_TOKENS: _(
        "An API token cannot create tokens: sign in to Relais in a browser to create one."
    ),
    ErrorCode.TOKENS_NOT_FOR_ROLE: _("Your role may not use API tokens."),
    ErrorCode.TWO_FACTOR_REQUIRED: _(
        "Your role signs in with a second factor: enter the code of your authenticator app first."
    ),
    ErrorCode.TWO_FACTOR_CODE_INVALID: _("This code is not valid: check your app and try again."),
    ErrorCode.NETWORK_REFUSED: _(
        "Your site only allows signing in from its own network, and this address is not in it."
    ),
}
