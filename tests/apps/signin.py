"""Signing in as a person does, for tests: the login form, then the second factor where the
person needs one (their authenticator is created, confirmed, and its code computed)."""

from __future__ import annotations

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.apps.accounts.models import User
from relais.apps.accounts.two_factor import TOTP_DEVICE_NAME, second_factor_needed
from tests.apps.factories import PASSWORD


def totp_device_for(user: User) -> TOTPDevice:
    """The person's confirmed authenticator, created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
    return device


def totp_code(device: TOTPDevice) -> str:
    """The code the person's app shows now. A code is accepted once per 30 s step (replay
    protection); tests sign the same person in several times, so the device forgets the last
    step it accepted."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{code:0{device.digits}d}"


def logged_in(user: User, *, password: str = PASSWORD) -> Client:
    """A client signed in through the login page, and the second factor when needed."""
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": password})
    assert response.status_code == 302, f"login refused for {user.username}: {response.status_code}"
    if second_factor_needed(user):
        code = totp_code(totp_device_for(user))
        verified = client.post("/accounts/two-factor/", {"code": code})
        assert verified.status_code == 302, f"second factor refused for {user.username}"
        assert verified["Location"] != "/accounts/two-factor/"
    return client
