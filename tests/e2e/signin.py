"""Signing in through the browser as a person does: the login form, then, for a person who
needs it, the second factor's code computed from their authenticator's key."""

from __future__ import annotations

import re
from typing import Any

from relais.apps.accounts.models import User
from relais.apps.accounts.two_factor import second_factor_needed
from tests.apps.factories import PASSWORD
from tests.apps.signin import totp_code, totp_device_for


def sign_in(page: Any, base: str, user: User, *, password: str = PASSWORD) -> None:
    """Sign `user` in on `page` and wait for their home (`base` is the server's URL): "/", or
    where "/" sends their role (an agent's desktop, a supervisor's wallboard)."""
    device = totp_device_for(user) if second_factor_needed(user) else None
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    if device is not None:
        page.wait_for_url(re.compile(re.escape(f"{base}/accounts/two-factor/?")))
        page.fill("#id_code", totp_code(device))
        page.click("form[action='/accounts/two-factor/'] button[type=submit]")
    page.wait_for_url(lambda url: url.startswith(base) and "/accounts/" not in url)
