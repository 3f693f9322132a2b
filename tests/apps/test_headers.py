"""Issue 25, finding 4: a Content-Security-Policy with no inline script on every page, and
over HTTPS the redirect and HSTS; `relais check --deploy` clean with the README's production
settings (docs/security.md, "Headers")."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.apps.conftest import World, logged_in

SOURCE = Path(__file__).resolve().parents[2] / "src" / "relais"
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
PRODUCTION = {  # README, "Running on PostgreSQL and Redis"
    "RELAIS_SECURE_COOKIES": "true",
    "RELAIS_ALLOWED_HOSTS": "relais.example",
    "RELAIS_CSRF_TRUSTED_ORIGINS": "https://relais.example",
}


def _policy(response: object) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]  # type: ignore[index]
    return {
        name: sources
        for name, *sources in (part.split() for part in header.split(";") if part.strip())
    }


def test_a_page_carries_a_policy_that_runs_no_inline_script(client: Client) -> None:
    policy = _policy(client.get("/accounts/login/"))

    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_no_template_holds_an_inline_script_or_handler() -> None:
    found = [
        f"{path.relative_to(SOURCE)}: {match.group(0)}"
        for path in SOURCE.rglob("*.html")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER)
        for match in pattern.finditer(path.read_text("utf-8"))
    ]
    assert found == []


def test_the_softphones_websocket_is_allowed_on_the_desktop_only(
    world: World, settings: Any
) -> None:
    settings.SIP_WS_URL = "wss://sip.relais.example:8443/ws"
    client = logged_in(world.users["agent"])

    desktop = _policy(client.get("/desktop/"))
    home = _policy(client.get("/"))

    assert desktop["connect-src"] == ["'self'", "wss://sip.relais.example:8443"]
    assert home["connect-src"] == ["'self'"]


def _relais(*arguments: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RELAIS_SECRET_KEY": secrets.token_urlsafe(50), **environment}
    env.pop("RELAIS_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "relais.cli", *arguments],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_with_the_documented_production_settings() -> None:
    checked = _relais("check", "--deploy", **PRODUCTION)

    assert checked.returncode == 0, checked.stderr
    assert "System check identified no issues" in checked.stdout
    assert "WARNINGS" not in checked.stdout + checked.stderr


@pytest.mark.parametrize(("secure", "expected"), [("true", "True 31536000"), ("false", "False 0")])
def test_secure_cookies_bring_the_https_redirect_and_hsts(secure: str, expected: str) -> None:
    shown = _relais(
        "shell",
        "-c",
        "from django.conf import settings as s\n"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)",
        RELAIS_SECURE_COOKIES=secure,
    )

    assert shown.stdout.strip().splitlines()[-1] == expected
