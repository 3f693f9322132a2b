"""The wallboard page: the chart's window chosen by a parameter, the TV mode without forms."""

from __future__ import annotations

import json
import re

from relais.apps.routing.models import Queue
from tests.apps.conftest import World, logged_in


def _json(html: str, element: str) -> dict[str, object]:
    found = re.search(rf'<script id="{element}" type="application/json">(.*?)</script>', html, re.S)
    assert found is not None
    loaded: dict[str, object] = json.loads(found.group(1))
    return loaded


def test_the_chart_window_is_the_opening_hours_or_the_last_hours(
    world: World, queue: Queue
) -> None:
    client = logged_in(world.users["supervisor"])

    opening = _json(client.get("/supervision/").content.decode(), "chart-window")
    last = _json(client.get("/supervision/?window=4").content.decode(), "chart-window")
    refused = client.get("/supervision/?window=5")  # the supervisor reads French

    assert opening["mode"] == "opening"
    assert opening["time_zone"] == "Europe/Paris"  # Lille's
    assert (last["mode"], last["hours"]) == ("last", 4)
    assert refused.status_code == 400
    assert "Affichez les heures d’ouverture ou les 2, 4, 8 ou 12 dernières heures." in (
        refused.content.decode()
    )


def test_tv_mode_keeps_the_figures_and_drops_the_forms(world: World, queue: Queue) -> None:
    client = logged_in(world.users["director"])

    page = client.get("/supervision/").content.decode()
    tv = client.get("/supervision/?tv=1").content.decode()

    assert 'data-testid="queue-orders"' in page  # a director steers on the wallboard
    assert 'data-tv="1"' in tv
    assert 'data-testid="queue-orders"' not in tv
    assert 'data-testid="broadcast-form"' not in tv
    assert 'data-testid="agents"' in tv


def test_tv_mode_keeps_the_scope(world: World, queue: Queue) -> None:
    client = logged_in(world.users["supervisor"])

    figures = _json(client.get("/supervision/?tv=1").content.decode(), "live-figures")

    assert figures["scope"] == f"teams-{world.teams['lille'].pk}"
