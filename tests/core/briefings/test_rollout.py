"""The roll-out of a blocking briefing: waves by number or share of agents."""

from __future__ import annotations

import pytest

from relais.core.briefings import Rollout, RolloutMode, rollout_waves, spread_by_site


def test_waves_of_n_agents_every_m_minutes() -> None:
    rollout = Rollout(start=1000.0, mode=RolloutMode.WAVES, wave_agents=2, wave_every_s=300)
    waves = rollout_waves(rollout, ["a", "b", "c", "d", "e"])
    assert waves == [(1000.0, ["a", "b"]), (1300.0, ["c", "d"]), (1600.0, ["e"])]


def test_waves_of_a_percentage_round_up() -> None:
    rollout = Rollout(start=0.0, mode=RolloutMode.WAVES, wave_percent=25, wave_every_s=60)
    waves = rollout_waves(rollout, list(range(10)))
    assert [len(agents) for _, agents in waves] == [3, 3, 3, 1]
    assert [at for at, _ in waves] == [0.0, 60.0, 120.0, 180.0]


def test_after_contact_reaches_everyone_at_the_start() -> None:
    waves = rollout_waves(Rollout(start=50.0), ["a", "b", "c"])
    assert waves == [(50.0, ["a", "b", "c"])]
    assert rollout_waves(Rollout(start=50.0), []) == []


@pytest.mark.parametrize(
    "changes",
    [{}, {"wave_agents": 2, "wave_percent": 10}, {"wave_agents": 0}, {"wave_percent": 150}],
)
def test_waves_refuse_an_unclear_size(changes: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="wave"):
        Rollout(start=0.0, mode=RolloutMode.WAVES, **changes)  # type: ignore[arg-type]


def test_waves_take_the_sites_in_turn() -> None:
    agents = ["lille.1", "lille.2", "lille.3", "rabat.1", "rabat.2"]
    spread = spread_by_site(agents, lambda agent: agent.split(".")[0])
    assert spread == ["lille.1", "rabat.1", "lille.2", "rabat.2", "lille.3"]
