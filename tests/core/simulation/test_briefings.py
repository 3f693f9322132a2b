"""A blocking briefing in the simulator: agents held back from its queues until they read it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from relais.core.briefings import Rollout, RolloutMode
from relais.core.simulation import Scenario, run_replication
from relais.core.simulation.parsing import load_scenario
from relais.core.simulation.scenario import BriefingRollout
from tests.core.simulation.conftest import START

EXAMPLES = Path(__file__).parents[3] / "examples" / "scenarios"


def _answered_by(outcome, agent: int, low: float, high: float) -> int:  # type: ignore[no-untyped-def]
    return sum(
        1
        for contact, at in enumerate(outcome.started)
        if low <= at < high and outcome.agent_of[contact] == agent
    )


def test_a_briefed_agent_answers_nothing_of_the_queue_until_it_has_read(
    scenario: Scenario,
) -> None:
    # given a blocking briefing on "voice" and "chat" at 09:00, read in 20 minutes
    at = START + 3600
    briefing = BriefingRollout(frozenset({"voice", "chat"}), Rollout(start=at), reading_s=1200)
    outcome = run_replication(replace(scenario, events=(briefing,)), 0)
    base = run_replication(scenario, 0)
    # then no agent starts a contact from the end of its contacts in hand until it has read
    for agent in range(len(outcome.staff.profiles)):
        in_hand = [
            outcome.ended[c]
            for c in range(len(outcome.ended))
            if outcome.agent_of[c] == agent and 0 <= outcome.started[c] < at
        ]
        freed = max([at, *in_hand])
        assert _answered_by(outcome, agent, freed, freed + 1200) == 0
    # and fewer contacts are answered within 20 s than with the same traffic and no briefing
    assert _within(outcome, 20) < _within(base, 20)


def _within(outcome, seconds: float) -> int:  # type: ignore[no-untyped-def]
    times = outcome.arrivals.times
    return sum(1 for c, s in enumerate(outcome.started) if 0 <= s <= times[c] + seconds)


def test_waves_keep_part_of_the_staff_answering(scenario: Scenario) -> None:
    # given the same briefing in waves of 2 agents every 10 minutes
    at = START + 3600
    waves = Rollout(start=at, mode=RolloutMode.WAVES, wave_agents=2, wave_every_s=600)
    outcome = run_replication(
        replace(scenario, events=(BriefingRollout(frozenset({"voice"}), waves, 300),)), 0
    )
    # then contacts of the queue are still answered in the first ten minutes of the roll-out
    assert any(at <= s < at + 600 for s in outcome.started)


def test_a_scenario_file_describes_a_briefing() -> None:
    # given the example scenario of a blocking briefing on orders at 10:00 Paris
    scenario = load_scenario(EXAMPLES / "briefing_commandes.toml")
    (event,) = scenario.events
    assert isinstance(event, BriefingRollout)
    assert event.queues == {"commandes-voix"}
    assert event.rollout.mode is RolloutMode.WAVES
    assert event.rollout.wave_percent == 25
    assert event.rollout.wave_every_s == 600
    assert event.reading_s == 180
    # when a replication runs, then every wave reaches agents, 10 minutes apart
    outcome = run_replication(replace(scenario, duration_s=4 * 3600), 0)
    assert outcome.answered
