"""Writes to accounts: API tokens, users created by the demo or by administrators."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from relais.apps.accounts.errors import ErrorCode
from relais.apps.accounts.models import ApiToken, User, hash_token
from relais.apps.audit.services import audit_record
from relais.apps.errors import RelaisError


def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token acting as `actor`; the raw value is returned once and never stored."""
    raw = ApiToken.generate()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor, name=name, prefix=raw[:12], digest=hash_token(raw)
        )
        audit_record(actor=actor, action="api_token.create", obj=token, changes={"name": name})
    return token, raw


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.revoked_at is not None:
        raise RelaisError(ErrorCode.TOKEN_REVOKED)
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoke", obj=token)
    return token


def user_language_update(*, actor: User, user: User, language: str) -> User:
    """Save the language a person reads Relais in."""
    if user.language == language:
        return user
    with transaction.atomic():
        previous, user.language = user.language, language
        user.save(update_fields=["language"])
        audit_record(
            actor=actor,
            action="user.language",
            obj=user,
            changes={"language": [previous, language]},
        )
    return user
