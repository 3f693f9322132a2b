"""Small scenarios built in code (no data files; never ../shared/data)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from relais.core.routing import Channel, OverflowStep, QueueConfig, Site, SiteKind, Target
from relais.core.simulation import AgentGroup, Exponential, QueueSpec, Scenario

START = 1_772_524_800.0  # 2026-03-03 08:00 UTC


def two_site_scenario(**changes: object) -> Scenario:
    """An internal site and an offshore partner, a voice and a chat queue, 4 hours."""
    scenario = Scenario(
        name="two sites",
        start=START,
        duration_s=4 * 3600,
        interval_s=1800,
        seed=7,
        replications=3,
        drain_s=3600,
        sites=(
            Site("lille", SiteKind.INSHORE, None, "Europe/Paris"),
            Site("rabat", SiteKind.OFFSHORE, "atlas", "Africa/Casablanca"),
        ),
        queues=(
            QueueSpec(
                QueueConfig(
                    "voice",
                    skills={"orders": 1},
                    steps=(OverflowStep(0, Target(internal=True)), OverflowStep(20, Target())),
                ),
                handling=Exponential(240.0),
                patience=Exponential(120.0),
                rate_per_hour=90.0,
            ),
            QueueSpec(
                QueueConfig("chat", channel=Channel.CHAT, skills={"orders": 1}),
                handling=Exponential(400.0),
                patience=Exponential(300.0),
                rate_per_hour=20.0,
                concurrency_slowdown=0.25,
            ),
        ),
        agents=(
            AgentGroup("lille", "lille", 4, {"orders": 2}, capacity={Channel.VOICE: 1}),
            AgentGroup(
                "rabat", "rabat", 4, {"orders": 2}, capacity={Channel.VOICE: 1, Channel.CHAT: 3}
            ),
        ),
    )
    return replace(scenario, **changes)  # type: ignore[arg-type]


@pytest.fixture
def scenario() -> Scenario:
    return two_site_scenario()
