"""After-call work that follows the queue (`wrap_up_when_waiting`, `readiness.py`): with
callers waiting an agent is ready after the short after-call time, not the ordinary one;
and the time of day (`wrap_up_by_interval`). Handling times by kind of call."""

from __future__ import annotations

from pathlib import Path

import pytest

from relais.core.routing import QueueConfig, Site
from relais.core.simulation import (
    AgentGroup,
    Distribution,
    Fixed,
    QueueSpec,
    ReplayArrival,
    Scenario,
    ScenarioError,
    load_scenario,
    run_replication,
)
from relais.core.simulation.readiness import engine_config

START = 1_772_524_800.0


def _scenario(
    queue: QueueSpec, arrivals: tuple[tuple[float, str | None], ...], agents: int = 1
) -> Scenario:
    return Scenario(
        name="readiness",
        start=START,
        duration_s=3600,
        interval_s=1800,
        seed=5,
        replications=1,
        drain_s=3600,
        agent_states=False,
        sites=(Site("site"),),
        queues=(queue,),
        agents=(AgentGroup("desk", "site", agents),),
        replay=tuple(ReplayArrival(START + at, "calls", kind=kind) for at, kind in arrivals),
    )


def _answered(queue: QueueSpec, arrivals: tuple[float, ...], agents: int = 1) -> list[float]:
    """When each caller was answered, in seconds after the start."""
    scenario = _scenario(queue, tuple((at, None) for at in arrivals), agents)
    return [at - START for at in run_replication(scenario, 0).answered]


def _answers(
    arrivals: tuple[float, ...], short: Distribution | None, agents: int = 1
) -> list[float]:
    """Calls of 10 s, an ordinary after-call time of 100 s, `short` while callers wait."""
    queue = QueueSpec(
        QueueConfig("calls", wrap_up_s=100.0), handling=Fixed(10.0), wrap_up_when_waiting=short
    )
    return _answered(queue, arrivals, agents)


def test_without_it_every_call_is_followed_by_the_whole_wrap_up() -> None:
    assert _answers((0.0, 1.0, 20.0), None) == [0.0, 110.0, 220.0]


def test_a_caller_waiting_when_the_call_ends_is_answered_after_the_short_time() -> None:
    # the second caller waits when the first call ends at 10: ready at 10 + 5
    assert _answers((0.0, 1.0), Fixed(5.0)) == [0.0, 15.0]


def test_a_caller_who_starts_waiting_during_the_wrap_up_cuts_it_short_from_then() -> None:
    # nobody waits at 10 (ordinary wrap-up until 110); a caller queues at 40: ready at 45
    assert _answers((0.0, 40.0), Fixed(5.0)) == [0.0, 45.0]


def test_never_later_than_the_ordinary_wrap_up() -> None:
    assert _answers((0.0, 1.0), Fixed(500.0)) == [0.0, 110.0]


def test_one_agent_in_wrap_up_per_waiting_caller() -> None:
    # two agents in wrap-up, a caller at 40: one agent is ready at 45, the other stays in
    # its ordinary wrap-up until a caller of its own (46) pulls it: ready at 51, where it
    # would have been free at 46 had the first caller pulled both
    answered = _answers((0.0, 0.0, 40.0, 46.0), Fixed(5.0), agents=2)
    assert answered == [0.0, 0.0, 45.0, 51.0]


def _queue_file(tmp_path: Path, fields: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(
        '[scenario]\nname = "r"\nstart = 2026-03-03T08:00:00+01:00\nhours = 1\n'
        '[[sites]]\nid = "s"\n'
        f'[[queues]]\nid = "q"\n{fields}\n'
        '[[agents]]\ngroup = "g"\nsite = "s"\ncount = 1\n',
        encoding="utf-8",
    )
    return path


def test_the_scenario_file_reads_it(tmp_path: Path) -> None:
    path = _queue_file(
        tmp_path,
        """wrap_up_s = 60
wrap_up_when_waiting = { law = "fixed", value = 4 }
wrap_up_by_interval = [90, 30]
wrap_up_by_waiting = { 0 = 1.2, 4 = 0.5, 2 = 0.8 }
handling_by_kind = { NW = { law = "fixed", value = 100 } }
answer_delay_s = 3""",
    )

    queue = load_scenario(path).queues[0]
    assert queue.wrap_up_when_waiting == Fixed(4.0)
    assert queue.wrap_up_by_interval == (90.0, 30.0)
    assert queue.wrap_up_by_waiting == ((0, 1.2), (2, 0.8), (4, 0.5))
    assert queue.handling_by_kind == (("NW", Fixed(100.0)),)
    assert queue.answer_delay_s == 3.0


def test_a_count_of_callers_that_is_not_a_number_is_refused(tmp_path: Path) -> None:
    path = _queue_file(tmp_path, "wrap_up_by_waiting = { many = 0.5 }")

    with pytest.raises(ScenarioError, match=r"queues\[0\]\.wrap_up_by_waiting\.many"):
        load_scenario(path)


def test_the_after_call_time_of_the_interval_the_call_ends_in() -> None:
    queue = QueueSpec(
        QueueConfig("calls", wrap_up_s=0.0),
        handling=Fixed(10.0),
        wrap_up_by_interval=(100.0, 20.0),  # 08:00-08:30 long, 08:30-09:00 short
    )
    arrivals = (0.0, 1.0, 1800.0, 1801.0)

    answered = _answered(queue, arrivals)

    assert answered == [0.0, 110.0, 1800.0, 1830.0]
    assert engine_config(queue).wrap_up_s == 100.0  # the engine holds for the longest


def test_a_replayed_call_takes_the_handling_time_of_its_kind() -> None:
    queue = QueueSpec(
        QueueConfig("calls"),
        handling=Fixed(100.0),
        handling_by_kind=(("NW", Fixed(30.0)), ("NE", Fixed(300.0))),
    )
    arrivals = ((0.0, "NW"), (1000.0, "NE"), (2000.0, "PS"), (3000.0, None))

    outcome = run_replication(_scenario(queue, arrivals), 0)

    assert outcome.arrivals.handling == [30.0, 300.0, 100.0, 100.0]


def test_the_after_call_time_shortens_with_the_callers_waiting() -> None:
    queue = QueueSpec(
        QueueConfig("calls", wrap_up_s=100.0),
        handling=Fixed(10.0),
        wrap_up_by_waiting=((0, 1.0), (1, 0.5), (2, 0.2)),
    )
    # at 10 two callers wait (since 1 and 2): 20 s of after-call time; at 40 one waits: 50 s
    arrivals = (0.0, 1.0, 2.0)

    answered = _answered(queue, arrivals)

    assert answered == [0.0, 30.0, 90.0]
    assert engine_config(queue).wrap_up_s == 100.0


def test_a_caller_taken_from_the_queue_is_answered_after_the_ringing() -> None:
    queue = QueueSpec(QueueConfig("calls"), handling=Fixed(10.0), answer_delay_s=4.0)
    arrivals = ((5.0, None), (6.0, None))  # the agent logs in at 0

    outcome = run_replication(_scenario(queue, arrivals), 0)

    # the first finds the agent free: answered on arrival; the second waited: 15 + 4
    assert [at - START for at in outcome.answered] == [5.0, 19.0]
    assert [at - START for at in outcome.completed] == [15.0, 29.0]
