"""HTTP and WebSocket plumbing shared by the bots and the customers (standard library
`urllib` in a thread for HTTP, the `websockets` package for WebSocket)."""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

TIMEOUT_S = 30.0
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class TrafficError(Exception):
    """The server refused what a simulated person did (the message says what)."""


@dataclass
class Answer:
    status: int
    data: dict[str, Any] = field(default_factory=dict)


def _post_json(url: str, payload: dict[str, Any]) -> Answer:
    request = urllib.request.Request(  # noqa: S310 - the URL is the server we were given
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Accept-Language": "fr"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310
            return Answer(response.status, json.loads(response.read() or b"{}"))
    except urllib.error.HTTPError as refused:
        try:
            data = json.loads(refused.read() or b"{}")
        except ValueError:
            data = {}
        return Answer(refused.code, data if isinstance(data, dict) else {})


def _post_form(base: str, path: str, session: str, fields: dict[str, str]) -> int:
    """A form POSTed with the session, as the desktop's scripts do (CSRF: a token of our
    own in the cookie and the header); returns the HTTP status."""
    token = secrets.token_urlsafe(24)[:32].replace("-", "a").replace("_", "b")
    request = urllib.request.Request(  # noqa: S310 - the URL is the server we were given
        f"{base}{path}",
        data=urllib.parse.urlencode(fields).encode(),
        headers={
            "Cookie": f"sessionid={session}; csrftoken={token}",
            "X-CSRFToken": token,
            "Origin": base,
            "Referer": f"{base}/desktop/",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


async def post_form(base: str, path: str, session: str, fields: dict[str, str]) -> int:
    return await asyncio.to_thread(_post_form, base, path, session, fields)


def _get_json(url: str) -> Answer:
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:  # noqa: S310
        return Answer(response.status, json.loads(response.read() or b"{}"))


async def post_json(url: str, payload: dict[str, Any]) -> Answer:
    return await asyncio.to_thread(_post_json, url, payload)


async def get_json(url: str) -> Answer:
    return await asyncio.to_thread(_get_json, url)


def _login(base: str, username: str, password: str) -> str:
    """Log in through the login page like a browser; returns the session id."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_url = f"{base}/accounts/login/"
    with opener.open(login_url, timeout=TIMEOUT_S) as page:
        found = _CSRF_INPUT.search(page.read().decode("utf-8", "replace"))
    if found is None:
        raise TrafficError(f"no login form at {login_url}")
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": found.group(1)}
    ).encode()
    request = urllib.request.Request(login_url, data=form, headers={"Referer": login_url})  # noqa: S310
    with opener.open(request, timeout=TIMEOUT_S):
        pass
    for cookie in jar:
        if cookie.name == "sessionid" and cookie.value:
            return cookie.value
    raise TrafficError(f"{username}: login refused")


async def login(base: str, username: str, password: str) -> str:
    return await asyncio.to_thread(_login, base, username, password)


def ws_url(base: str, path: str) -> str:
    return base.replace("http://", "ws://", 1).replace("https://", "wss://", 1) + path


async def open_socket(base: str, path: str, session: str | None = None) -> ClientConnection:
    headers = {"Origin": base}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    return await connect(ws_url(base, path), additional_headers=headers, open_timeout=TIMEOUT_S)


async def send(ws: ClientConnection, **frame: Any) -> None:
    await ws.send(json.dumps(frame))


async def receive(ws: ClientConnection, timeout: float) -> dict[str, Any] | None:
    """The next frame, or None when none came within `timeout` seconds."""
    try:
        raw = await asyncio.wait_for(ws.recv(), timeout=timeout)
    except TimeoutError:
        return None
    frame = json.loads(raw)
    return frame if isinstance(frame, dict) else None


async def wait_for_server(base: str, seconds: float) -> bool:
    """True once the server answers (any HTTP status), False after `seconds`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds

    def probe() -> bool:
        try:
            with urllib.request.urlopen(f"{base}/accounts/login/", timeout=2):  # noqa: S310
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False

    while loop.time() < deadline:
        if await asyncio.to_thread(probe):
            return True
        await asyncio.sleep(0.5)
    return False
