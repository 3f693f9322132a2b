from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from relais.apps.accounts.errors import ErrorCode
from relais.apps.accounts.models import ApiToken
from relais.apps.errors import RelaisError


def api_token_list(*, viewer: Any) -> QuerySet[ApiToken]:
    """A person sees only their own tokens."""
    return ApiToken.objects.filter(user_id=viewer.pk).order_by("-created_at")


def api_token_get(*, viewer: Any, token_id: int) -> ApiToken:
    token = api_token_list(viewer=viewer).filter(pk=token_id).first()
    if token is None:
        raise RelaisError(ErrorCode.NOT_FOUND, kind=ApiToken._meta.verbose_name)
    return token
