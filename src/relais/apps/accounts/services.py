"""Writes to accounts: API tokens, passwords, the second factor, a person's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.apps.accounts.errors import ErrorCode
from relais.apps.accounts.models import (
    TOKEN_MAX_DAYS,
    ApiToken,
    RevokedReason,
    TokenScope,
    User,
    hash_token,
    password_fingerprint,
)
from relais.apps.accounts.permissions import may_hold_api_tokens
from relais.apps.accounts.two_factor import (
    RECOVERY_CODE_COUNT,
    RECOVERY_DEVICE_NAME,
    TOTP_DEVICE_NAME,
)
from relais.apps.audit.services import audit_record
from relais.apps.errors import RelaisError
from relais.apps.realtime.sessions import SessionEndReason, sockets_close_for_user


def api_token_create(
    *,
    actor: User,
    name: str,
    scopes: Iterable[TokenScope],
    expires_in_days: int,
    by_token: bool = False,
) -> tuple[ApiToken, str]:
    """Issue a token acting as `actor`; the raw value is returned once and never stored.

    Only a person at the screen creates tokens (`by_token`: the request came with a token, refused),
    only in a role allowed to use the API, with at least one scope and a bounded lifetime."""
    if by_token:
        raise RelaisError(ErrorCode.TOKEN_CANNOT_CREATE_TOKENS)
    if not may_hold_api_tokens(actor):
        raise RelaisError(ErrorCode.TOKENS_NOT_FOR_ROLE)
    chosen = sorted({TokenScope(scope) for scope in scopes})
    if not chosen:
        raise RelaisError(ErrorCode.INVALID_INPUT, details="scopes: choose read, write or both")
    if not 1 <= expires_in_days <= TOKEN_MAX_DAYS:
        raise RelaisError(
            ErrorCode.INVALID_INPUT, details=f"expires_in_days: from 1 to {TOKEN_MAX_DAYS}"
        )
    raw = ApiToken.generate()
    expires_at = timezone.now() + dt.timedelta(days=expires_in_days)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            name=name,
            prefix=raw[:12],
            digest=hash_token(raw),
            scopes=[scope.value for scope in chosen],
            expires_at=expires_at,
            password_fingerprint=password_fingerprint(actor),
        )
        audit_record(
            actor=actor,
            action="api_token.create",
            obj=token,
            changes={"name": name, "scopes": token.scopes, "expires_at": expires_at},
        )
    return token, raw


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.revoked_at is not None:
        raise RelaisError(ErrorCode.TOKEN_REVOKED)
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.revoked_reason = RevokedReason.BY_PERSON
        token.save(update_fields=["revoked_at", "revoked_reason"])
        audit_record(actor=actor, action="api_token.revoke", obj=token)
        # a revoked credential may have leaked: its owner's open sockets sign in again
        sockets_close_for_user(user_id=token.user_id, reason=SessionEndReason.TOKEN_REVOKED)
    return token


def api_token_revoke_after_password_change(*, token: ApiToken) -> None:
    """A token whose owner's password changed since it was created dies (by Relais, audited);
    the password change of our own pages revokes at once, any other path at the token's next
    use."""
    with transaction.atomic():
        revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_reason=RevokedReason.PASSWORD_CHANGED
        )
        if revoked:
            audit_record(
                actor=None,
                action="api_token.revoke",
                obj=token,
                reason=RevokedReason.PASSWORD_CHANGED.value,
            )


def user_password_change(*, actor: User, user: User, password: str) -> User:
    """Set a new password (checked against the password rules); the person's API tokens die."""
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=actor, action="user.password", obj=user)
        for token in ApiToken.objects.filter(user=user, revoked_at__isnull=True):
            api_token_revoke_after_password_change(token=token)
    return user


def totp_enrol_start(*, actor: User) -> TOTPDevice:
    """A new authenticator for `actor`, unconfirmed until its first code (any earlier unconfirmed
    one is dropped); an already confirmed one keeps working until the new one is confirmed."""
    with transaction.atomic():
        TOTPDevice.objects.devices_for_user(actor, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=actor, name=TOTP_DEVICE_NAME, confirmed=False)
        audit_record(actor=actor, action="two_factor.enrol_start", obj=device)
    return device


def totp_enrol_confirm(*, actor: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the new authenticator with a code it shows; returns fresh recovery codes (shown
    once). The person's previous authenticator, if any, is replaced."""
    if device.user_id != actor.pk or device.confirmed:
        raise RelaisError(ErrorCode.NOT_FOUND, kind=TOTPDevice._meta.verbose_name)
    if not device.verify_token(code.strip().replace(" ", "")):  # counts failures (throttling)
        raise RelaisError(ErrorCode.TWO_FACTOR_CODE_INVALID)
    with transaction.atomic():
        TOTPDevice.objects.devices_for_user(actor, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=actor, action="two_factor.enrol", obj=device)
        return _recovery_codes_replace(actor=actor)


def recovery_codes_regenerate(*, actor: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    with transaction.atomic():
        return _recovery_codes_replace(actor=actor)


def _recovery_codes_replace(*, actor: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=actor, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    audit_record(actor=actor, action="two_factor.recovery_codes", obj=device)
    return codes


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
