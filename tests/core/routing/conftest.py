"""Fixtures for the routing engine: a virtual clock and the demo company's sites."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from relais.core.clock import VirtualClock
from relais.core.routing import Site, SiteKind

PARIS = Site("paris", SiteKind.INSHORE, None, "Europe/Paris")
RABAT = Site("rabat", SiteKind.OFFSHORE, "atlas", "Africa/Casablanca")
BUCHAREST = Site("bucharest", SiteKind.NEARSHORE, "carpathia", "Europe/Bucharest")
HOME = Site("home", SiteKind.HOMESHORE, None, "Europe/Paris")
SITES = (PARIS, RABAT, BUCHAREST, HOME)

# Wednesday 2026-01-14 10:00 Paris (09:00 UTC)
WEDNESDAY_MORNING = datetime(2026, 1, 14, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(WEDNESDAY_MORNING)
