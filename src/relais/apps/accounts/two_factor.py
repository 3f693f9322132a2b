"""The second factor (TOTP, with one-time recovery codes): who needs it, what a session has
given, and the QR code an authenticator app reads. Writes are in services.py."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.apps.accounts.permissions import two_factor_required

#: The recovery codes given at enrolment (each works once).
RECOVERY_CODE_COUNT = 10
#: The names of a person's devices, as django-otp stores them.
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"


def second_factor_needed(user: Any) -> bool:
    """Whether this person must give a second factor after the password: their role says so,
    or they chose to enrol."""
    if not getattr(user, "is_authenticated", False):
        return False
    return two_factor_required(user) or user_has_device(user, confirmed=True)


def session_verified(request: HttpRequest) -> bool:
    """Whether the session has given a second factor (django-otp's middleware checked the
    device it names still belongs to the person and is confirmed)."""
    is_verified = getattr(request.user, "is_verified", None)
    if is_verified is not None:
        return bool(is_verified())
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def second_factor_pending(request: HttpRequest) -> bool:
    """A person signed in with their password who still owes the second factor."""
    return second_factor_needed(request.user) and not session_verified(request)


def totp_device_confirmed(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def totp_device_pending(user: Any) -> TOTPDevice | None:
    """The device being enrolled: created, its first code not yet given."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=False).first()


def recovery_device(user: Any) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_codes_left(user: Any) -> int:
    device = recovery_device(user)
    return 0 if device is None else device.token_set.count()


def manual_key(device: TOTPDevice) -> str:
    """The secret as an authenticator app lets a person type it: base32, in groups of four."""
    text = b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code (drawn here, no network)."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4, border=2))
