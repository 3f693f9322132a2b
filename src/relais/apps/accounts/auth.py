"""API authentication: the browser's session (with CSRF, and the second factor where the role
needs one) or a bearer token (with its scopes, its expiry, and its owner's current password)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from relais.apps.accounts import services
from relais.apps.accounts.errors import ErrorCode
from relais.apps.accounts.models import ApiToken, TokenScope, User, hash_token, password_fingerprint
from relais.apps.accounts.permissions import may_hold_api_tokens
from relais.apps.accounts.two_factor import second_factor_pending
from relais.apps.errors import RelaisError

#: The scope a request needs, by HTTP method; anything else needs `write`.
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def scope_needed(method: str) -> TokenScope:
    return TokenScope.READ if method.upper() in _READ_METHODS else TokenScope.WRITE


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        if found.password_fingerprint != password_fingerprint(found.user):
            services.api_token_revoke_after_password_change(token=found)
            raise RelaisError(ErrorCode.TOKEN_PASSWORD_CHANGED)
        if found.expires_at <= timezone.now():
            raise RelaisError(ErrorCode.TOKEN_EXPIRED)
        if not may_hold_api_tokens(found.user):
            raise RelaisError(ErrorCode.TOKENS_NOT_FOR_ROLE)
        needed = scope_needed(request.method or "GET")
        if needed not in found.scopes:
            raise RelaisError(
                ErrorCode.TOKEN_SCOPE, scopes=", ".join(found.scopes) or "-", needed=needed.value
            )
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]  # read by token_creation_allowed
        return found.user


class VerifiedSession(SessionAuth):
    """The session, once the second factor (where the role needs one) has been given."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user and second_factor_pending(request):
            raise RelaisError(ErrorCode.TWO_FACTOR_REQUIRED)
        return user


# The bearer is tried first: a token request carries no CSRF cookie, and the session check
# would refuse it before the token is looked at.
API_AUTH = [BearerToken(), VerifiedSession()]


def request_user(request: HttpRequest) -> User:
    """The authenticated person behind an API request (the API's auth guarantees one)."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("request_user needs an authenticated request")
    return user


def request_token(request: HttpRequest) -> ApiToken | None:
    """The token that authenticated an API request, or None for a browser's session."""
    return getattr(request, "api_token", None)
