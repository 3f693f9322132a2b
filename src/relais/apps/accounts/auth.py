"""API authentication: the browser's session (with CSRF) or a bearer token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from relais.apps.accounts.models import ApiToken, User, hash_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


# The bearer is tried first: a token request carries no CSRF cookie, and the session check
# would refuse it before the token is looked at.
API_AUTH = [BearerToken(), SessionAuth()]


def request_user(request: HttpRequest) -> User:
    """The authenticated person behind an API request (the API's auth guarantees one)."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("request_user needs an authenticated request")
    return user
