"""Browser tests: Debian's Chromium driven by Playwright against a live Relais server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"browser tests need Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Any]:
    contexts = []

    def make(language: str = "fr") -> Any:
        context = browser.new_context(
            locale=language, extra_http_headers={"Accept-Language": language}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def pages(browser: Any) -> Iterator[Any]:
    """English pages for tests served by their own ASGI server (no live_server), each in its
    own browser context (its own cookies: one signed-in person per page)."""
    made: list[Any] = []

    def make() -> Any:
        context = browser.new_context(locale="en", extra_http_headers={"Accept-Language": "en"})
        context.set_default_timeout(15_000)
        made.append(context)
        return context.new_page()

    yield make
    for context in made:
        context.close()


from tests.apps.conftest import _fast_password_hasher, world  # noqa: E402, F401  (shared fixtures)

# -- an ASGI server with WebSockets and the router, over the live test database ------------


class AsgiServer:
    """uvicorn serving relais.config.asgi (HTTP + WebSocket) in a thread of this process, with
    the router beside it (as `relais serve` runs them), on 127.0.0.1 and a fixed port: it can
    be stopped and started again (a restart)."""

    def __init__(self) -> None:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: Any = None
        self.runner: Any = None

    def start(self) -> None:
        import asyncio
        import threading
        import time

        import uvicorn

        from relais.config.server import APPLICATION, UVICORN_OPTIONS, serve_beside_router

        config = uvicorn.Config(
            APPLICATION, host="127.0.0.1", port=self.port, log_level="warning", **UVICORN_OPTIONS
        )
        server = uvicorn.Server(config)

        runner = threading.Thread(
            target=asyncio.run, args=(serve_beside_router(server),), name="asgi-server", daemon=True
        )
        runner.start()
        deadline = time.monotonic() + 15
        while not server.started:
            if time.monotonic() > deadline or not runner.is_alive():
                pytest.fail("the ASGI server did not start")
            time.sleep(0.05)
        self.server, self.runner = server, runner

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
            self.runner.join(10)
            self.server = self.runner = None


@pytest.fixture
def asgi_server_control(transactional_db: None, settings: Any) -> Iterator[AsgiServer]:
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    server = AsgiServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def asgi_server(asgi_server_control: AsgiServer) -> str:
    """The live server's address (see `AsgiServer`)."""
    return asgi_server_control.url


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, tmp_path_factory: Any
) -> None:
    """On SQLite, browser tests use a test database in a file (WAL, busy timeout): the
    server, the router, the supervision hub and the test write from several threads, and
    the default shared-cache in-memory database fails at once on a table lock instead of
    waiting ("database table is locked")."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = tmp_path_factory.mktemp("e2e-database") / "relais.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(name)
