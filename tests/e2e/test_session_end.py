"""An agent's desktop in Chromium obeys the session (issue 15, finding 1; docs/security.md,
"Live connections"): deactivated while the page is open and connected, the page's WebSocket
is closed within a second, the page says the session ended, and it does not reconnect."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from relais.apps.accounts.models import User
from tests.apps.conftest import World
from tests.e2e.conftest import AsgiServer
from tests.e2e.test_presence import contexts, desktop  # noqa: F401  (a fixture)


def test_a_deactivated_agents_desktop_closes_within_a_second(
    world: World,
    asgi_server_control: AsgiServer,
    contexts: Callable[..., Any],  # noqa: F811  (the fixture imported above)
) -> None:
    user = world.agents["lille0"].user
    user.language = "fr"
    user.save(update_fields=["language"])
    page = desktop(contexts, asgi_server_control.url, user.username)
    page.evaluate("window.firstSocket = window.relaisDesk.socket")

    deactivated = User.objects.get(pk=user.pk)
    deactivated.is_active = False
    deactivated.save()  # as the administrator's change form saves it

    page.wait_for_function(
        "() => window.firstSocket.readyState === WebSocket.CLOSED", timeout=1_000
    )
    expect(page.get_by_test_id("desk-error")).to_contain_text(
        "votre compte a été désactivé", timeout=1_000
    )
    expect(page.get_by_test_id("link")).to_have_text("Session terminée")
    time.sleep(1.5)  # longer than the page's first reconnection delay (0.5 s)
    assert page.evaluate("window.relaisDesk.socket === window.firstSocket")
    assert page.evaluate("document.getElementById('desk').dataset.online") == "0"
