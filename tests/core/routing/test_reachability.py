"""Reachability: when a queue is open and no step can reach anybody, and why; checked against
a minute-by-minute reading of the same configuration."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relais.core.clock import from_datetime
from relais.core.routing import (
    AgentProfile,
    AllOf,
    Channel,
    GapReason,
    OverflowStep,
    QueueConfig,
    QueueReach,
    Schedule,
    Target,
    WeeklyHours,
    Window,
    group_days,
    queue_gaps,
    queue_reach,
    reachability_gaps,
    reachable_now,
    weekly,
)
from tests.core.routing.conftest import SITES

BY_ID = {site.site_id: site for site in SITES}
PARIS_ZONE = {"evening": "Europe/Paris", "orders": "Europe/Paris"}


def utc(*parts: int) -> float:
    return from_datetime(datetime(*parts, tzinfo=UTC))


def hm(day: int, hour: int, minute: int = 0) -> int:
    """Minutes from Monday 00:00."""
    return day * 1440 + hour * 60 + minute


def agent(agent_id: str, site: str, **skills: int) -> AgentProfile:
    return AgentProfile(agent_id, site, skills=skills, capacity={Channel.CHAT: 3, Channel.VOICE: 1})


AGENTS = (
    agent("paris1", "paris", orders=3),
    agent("rabat1", "rabat", orders=2),
    agent("home1", "home", orders=1),
)


def ranges(
    queue: QueueConfig,
    *,
    start: float,
    weeks: int = 1,
    agents: tuple[AgentProfile, ...] = AGENTS,
    site_hours: Mapping[str, Schedule] | None = None,
) -> list[tuple[GapReason, int, int, int]]:
    """(reason, start, end, weeks it occurs in) of each weekly range, Paris time."""
    reach = queue_reach(queue, BY_ID, agents)
    found = reachability_gaps(
        [reach], start=start, weeks=weeks, time_zones=PARIS_ZONE, site_hours=site_hours
    )
    return [(g.reason, g.start_min, g.end_min, len(g.weeks)) for g in found]


# -- a week in January (Paris and Casablanca both UTC+1) ----------------------------------------

JANUARY = utc(2026, 1, 14, 9)  # a Wednesday: the week checked is Monday 12 to Sunday 18


def test_step_hours_narrower_than_the_queue_leave_the_evening_to_nobody() -> None:
    # given a queue open until 22:00 whose only step stops at 20:00
    queue = QueueConfig(
        "orders",
        Channel.CHAT,
        skills={"orders": 2},
        hours=weekly("Europe/Paris", "mon-fri 08:00-22:00"),
        steps=(
            OverflowStep(
                0, Target(internal=True), hours=weekly("Europe/Paris", "mon-fri 08:00-20:00")
            ),
        ),
    )

    # when every hour of the week is checked
    found = ranges(queue, start=JANUARY)

    # then Monday to Friday 20:00-22:00, every week, because no step is open
    assert found == [(GapReason.NO_STEP_OPEN, hm(d, 20), hm(d, 22), 1) for d in range(5)]


def test_a_later_step_covering_the_evening_closes_the_gap() -> None:
    day = weekly("Europe/Paris", "mon-fri 08:00-20:00")
    queue = QueueConfig(
        "orders",
        Channel.CHAT,
        skills={"orders": 2},
        hours=weekly("Europe/Paris", "mon-fri 08:00-22:00"),
        steps=(
            OverflowStep(0, Target(internal=True), hours=day),
            OverflowStep(600, Target(partners=frozenset({"atlas"}))),  # ten minutes, but someone
        ),
    )

    assert ranges(queue, start=JANUARY) == []


def rabat_evening(site_hours_in_step: bool) -> QueueConfig:
    """Until 18:00 Paris the internal sites; after, Rabat (open 09:00-22:00 local)."""
    rabat_open = weekly("Africa/Casablanca", "mon-sat 09:00-22:00")
    evening: Schedule = weekly("Europe/Paris", "mon-sat 18:00-24:00")
    if site_hours_in_step:
        evening = AllOf((evening, rabat_open))
    return QueueConfig(
        "evening",
        Channel.CHAT,
        skills={"orders": 1},
        hours=weekly("Europe/Paris", "mon-sat 08:00-24:00"),
        steps=(
            OverflowStep(
                0, Target(internal=True), hours=weekly("Europe/Paris", "mon-sat 08:00-18:00")
            ),
            OverflowStep(0, Target(sites=frozenset({"rabat"})), hours=evening),
        ),
    )


def test_the_rabat_evening_ends_at_22_local_and_the_queue_at_midnight() -> None:
    found = ranges(rabat_evening(site_hours_in_step=True), start=JANUARY)

    assert found == [(GapReason.NO_STEP_OPEN, hm(d, 22), hm(d, 24), 1) for d in range(6)]


def test_agents_count_only_while_their_site_is_open() -> None:
    # given the step itself open until midnight, but the Rabat site closing at 22:00 local
    queue = rabat_evening(site_hours_in_step=False)
    rabat_open = weekly("Africa/Casablanca", "mon-sat 09:00-22:00")

    without = ranges(queue, start=JANUARY)
    found = ranges(queue, start=JANUARY, site_hours={"rabat": rabat_open})

    assert without == []
    assert found == [(GapReason.SITES_CLOSED, hm(d, 22), hm(d, 24), 1) for d in range(6)]


def test_the_gap_moves_with_daylight_saving_and_ramadan() -> None:
    # Paris goes to UTC+2 on Sunday 29 March 2026; Casablanca is UTC+0 for Ramadan until
    # Sunday 22 March, then UTC+1. Rabat's 22:00 is 23:00 Paris in weeks 1 and 3, 22:00 in
    # week 2. Weeks checked: Monday 16, 23 and 30 March.
    found = ranges(rabat_evening(site_hours_in_step=True), start=utc(2026, 3, 18, 12), weeks=3)

    expected = []
    for d in range(6):
        expected += [
            (GapReason.NO_STEP_OPEN, hm(d, 22), hm(d, 23), 1),
            (GapReason.NO_STEP_OPEN, hm(d, 23), hm(d, 24), 3),
        ]
    assert found == expected
    reach = queue_reach(rabat_evening(site_hours_in_step=True), BY_ID, AGENTS)
    (monday,) = [
        g
        for g in reachability_gaps(
            [reach], start=utc(2026, 3, 18, 12), weeks=3, time_zones=PARIS_ZONE
        )
        if g.start_min == hm(0, 22)
    ]
    assert monday.weeks == (date(2026, 3, 23),)
    assert monday.first_date == date(2026, 3, 23)
    assert not monday.every_week


@pytest.mark.parametrize(
    ("queue", "agents"),
    [
        pytest.param(
            QueueConfig("orders", Channel.CHAT, skills={"orders": 4}),
            AGENTS,
            id="nobody has the level",
        ),
        pytest.param(
            QueueConfig("orders", Channel.CHAT, language="nl"),
            AGENTS,
            id="nobody speaks the language",
        ),
        pytest.param(
            QueueConfig("orders", Channel.EMAIL),
            AGENTS,
            id="nobody takes the channel",
        ),
        pytest.param(
            QueueConfig(
                "orders",
                Channel.CHAT,
                steps=(OverflowStep(0, Target(sites=frozenset({"bucharest"}))),),
            ),
            AGENTS,
            id="nobody on the step's sites",
        ),
        pytest.param(
            QueueConfig("orders", Channel.CHAT, skills={"orders": 2}),
            (agent("ghost", "nowhere", orders=5),),
            id="an agent on an unknown site",
        ),
    ],
)
def test_a_queue_nobody_may_serve_is_a_gap_all_week(
    queue: QueueConfig, agents: tuple[AgentProfile, ...]
) -> None:
    reach = queue_reach(queue, BY_ID, agents)

    (gap,) = reachability_gaps([reach], start=JANUARY, weeks=2)

    assert (gap.reason, gap.start_min, gap.end_min) == (GapReason.NO_SKILLED_AGENT, 0, hm(7, 0))
    assert gap.whole_week
    assert gap.weeks == (date(2026, 1, 12), date(2026, 1, 19))


def test_relaxed_levels_let_a_later_step_reach_the_less_skilled() -> None:
    # given only a level-1 agent, and a last step that accepts level 1
    strict = QueueConfig("orders", Channel.CHAT, skills={"orders": 2})
    relaxed = QueueConfig(
        "orders",
        Channel.CHAT,
        skills={"orders": 2},
        steps=(OverflowStep(0), OverflowStep(90, skill_levels={"orders": 1})),
    )
    novices = (agent("home1", "home", orders=1),)

    assert ranges(strict, start=JANUARY, agents=novices)[0][0] is GapReason.NO_SKILLED_AGENT
    assert ranges(relaxed, start=JANUARY, agents=novices) == []
    assert [s.agents for s in queue_reach(relaxed, BY_ID, novices).steps] == [
        frozenset(),
        frozenset({"home1"}),
    ]


def test_a_night_gap_over_sunday_midnight_reads_as_one_range() -> None:
    # given an always-open queue whose step works Monday to Sunday 06:00-22:00
    queue = QueueConfig(
        "orders",
        Channel.CHAT,
        steps=(OverflowStep(0, hours=weekly("Europe/Paris", "mon-sun 06:00-22:00")),),
    )

    found = ranges(queue, start=JANUARY)

    nights = [(GapReason.NO_STEP_OPEN, hm(d, 22), hm(d + 1, 6), 1) for d in range(6)]
    assert found == [*nights, (GapReason.NO_STEP_OPEN, hm(6, 22), hm(7, 6), 1)]


def test_the_same_hours_on_following_days_group_together() -> None:
    # given the Rabat evening around the March changes: 22:00-23:00 in one week of three,
    # 23:00-24:00 in every week, Monday to Saturday
    reach = queue_reach(rabat_evening(site_hours_in_step=True), BY_ID, AGENTS)
    gaps = reachability_gaps([reach], start=utc(2026, 3, 18, 12), weeks=3, time_zones=PARIS_ZONE)

    groups = group_days(gaps)

    # then two groups of six days, not twelve ranges
    assert [[(g.start_min, g.end_min) for g in group] for group in groups] == [
        [(hm(d, 22), hm(d, 23)) for d in range(6)],
        [(hm(d, 23), hm(d, 24)) for d in range(6)],
    ]


def test_reachable_now_needs_a_logged_in_agent_of_an_open_step() -> None:
    reach = queue_reach(rabat_evening(site_hours_in_step=True), BY_ID, AGENTS)
    wednesday_19h_paris = utc(2026, 1, 14, 18)
    wednesday_23h_paris = utc(2026, 1, 14, 22)

    assert reachable_now(reach, wednesday_19h_paris, {"rabat1"})
    assert not reachable_now(reach, wednesday_19h_paris, {"paris1", "home1"})  # step closed
    assert not reachable_now(reach, wednesday_23h_paris, {"rabat1", "paris1"})  # every step closed
    assert not reachable_now(reach, wednesday_19h_paris, set())


# -- against a minute-by-minute reading ----------------------------------------------------------

ZONES = ("Europe/Paris", "Africa/Casablanca", "America/New_York", "Asia/Kolkata", "UTC")
# Windows on quarter hours; starts around daylight-saving and Ramadan changes, and plain days.
STARTS = (
    utc(2026, 3, 28, 0),
    utc(2026, 3, 21, 12),
    utc(2026, 10, 24, 0),
    utc(2026, 3, 7, 0),
    utc(2026, 6, 10, 0),
)
PERIOD_S = 2 * 86_400


@st.composite
def schedules(draw: st.DrawFn) -> Schedule | None:
    if draw(st.booleans()) and draw(st.booleans()):
        return None
    windows = []
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(0, 95)) * 15
        end = draw(st.integers(start // 15 + 1, 96)) * 15
        windows.append(Window(draw(st.integers(0, 6)), start, end))
    return WeeklyHours(draw(st.sampled_from(ZONES)), tuple(windows))


@st.composite
def configurations(draw: st.DrawFn) -> tuple[QueueReach, dict[str, Schedule]]:
    steps = [
        OverflowStep(
            0,
            Target(sites=frozenset(draw(st.sets(st.sampled_from(list(BY_ID)), max_size=2)))),
            hours=draw(schedules()),
        )
        for _ in range(draw(st.integers(1, 3)))
    ]
    queue = QueueConfig(
        "q", Channel.CHAT, skills={"orders": 1}, hours=draw(schedules()), steps=tuple(steps)
    )
    agents = [
        agent(f"a{i}", site, orders=1)
        for i, site in enumerate(draw(st.sets(st.sampled_from(list(BY_ID)))))
    ]
    site_hours = {}
    for site in draw(st.sets(st.sampled_from(list(BY_ID)))):
        found = draw(schedules())
        if found is not None:
            site_hours[site] = found
    return queue_reach(queue, BY_ID, agents), site_hours


def unreachable_at(
    reach: QueueReach, at: float, site_hours: Mapping[str, Schedule]
) -> GapReason | None:
    """The rule read at one moment, written plainly."""
    if reach.hours is not None and not reach.hours.is_open(at):
        return None
    open_steps = [s for s in reach.steps if s.hours is None or s.hours.is_open(at)]
    if not open_steps:
        return GapReason.NO_STEP_OPEN
    sites = {site for step in open_steps for site in step.sites}
    if not sites:
        return GapReason.NO_SKILLED_AGENT
    if any(site not in site_hours or site_hours[site].is_open(at) for site in sites):
        return None
    return GapReason.SITES_CLOSED


@settings(max_examples=40, deadline=None)
@given(configurations(), st.sampled_from(STARTS))
def test_gaps_match_a_minute_by_minute_reading(
    configuration: tuple[QueueReach, dict[str, Schedule]], start: float
) -> None:
    reach, site_hours = configuration

    gaps = queue_gaps(reach, start=start, end=start + PERIOD_S, site_hours=site_hours)

    for earlier, later in pairwise(gaps):
        assert earlier.end <= later.start
        assert earlier.end < later.start or earlier.reason is not later.reason  # merged
    for minute in range(PERIOD_S // 60):
        at = start + minute * 60 + 30
        found = next((g.reason for g in gaps if g.start <= at < g.end), None)
        assert found is unreachable_at(reach, at, site_hours), datetime.fromtimestamp(at, UTC)


@pytest.mark.parametrize(
    "start",
    [
        pytest.param(utc(2026, 3, 28, 12), id="02:30 does not exist on 29 March"),
        pytest.param(utc(2026, 10, 24, 12), id="02:30 comes twice on 25 October"),
    ],
)
def test_a_step_starting_in_the_hour_the_clock_changes(start: float) -> None:
    # given an always-open queue whose step opens on Sundays at 02:30 Paris
    queue = QueueConfig(
        "q", Channel.CHAT, steps=(OverflowStep(0, hours=weekly("Europe/Paris", "sun 02:30-05:00")),)
    )
    reach = queue_reach(queue, BY_ID, AGENTS)

    gaps = queue_gaps(reach, start=start, end=start + 86_400)

    # then the gaps are those of a minute-by-minute reading
    for minute in range(86_400 // 60):
        at = start + minute * 60 + 30
        found = next((g.reason for g in gaps if g.start <= at < g.end), None)
        assert found is unreachable_at(reach, at, {}), datetime.fromtimestamp(at, UTC)
