"""The simulator on small scenarios: determinism, common random numbers, events, sanity."""

from __future__ import annotations

import math
from dataclasses import replace

from relais.core.queueing import erlang_c
from relais.core.routing import InProgress, QueueConfig, Site
from relais.core.simulation import (
    AgentGroup,
    ChannelShift,
    Exponential,
    LinkDown,
    PartnerBilling,
    PartnerClosed,
    QueueSpec,
    Scenario,
    VolumeShock,
    compare,
    render_html_report,
    run_replication,
    simulate,
)
from relais.core.simulation.report import outage_windows
from relais.core.simulation.runner import RunOutcome
from tests.core.simulation.conftest import START

TOTAL = ("total", "", None)


def test_same_seed_gives_the_same_result(scenario: Scenario) -> None:
    # given the same scenario twice / when simulated / then every figure is equal
    first = simulate(scenario, replications=2)
    second = simulate(scenario, replications=2)
    for metric in ("offered", "answered", "service_level", "average_speed_of_answer"):
        assert first.values(TOTAL, metric) == second.values(TOTAL, metric)
    other = simulate(replace(scenario, seed=8), replications=2)
    assert other.values(TOTAL, "offered") != first.values(TOTAL, "offered")


def test_two_scenarios_share_their_arrival_streams(scenario: Scenario) -> None:
    # given a scenario with 2 more agents / when run with the same seed
    staffed = replace(
        scenario, agents=(*scenario.agents, AgentGroup("extra", "lille", 2, {"orders": 2}))
    )
    base = run_replication(scenario, 0)
    more = run_replication(staffed, 0)
    # then the contacts, their handling and patience draws are identical
    assert base.arrivals.times == more.arrivals.times
    assert base.arrivals.handling == more.arrivals.handling
    assert base.arrivals.patience == more.arrivals.patience
    # and the paired difference of answered contacts is positive with a narrow interval
    diff = compare(simulate(scenario), simulate(staffed)).difference(TOTAL, "service_level")
    assert diff.mean is not None
    assert diff.mean > 0


def test_link_down_drops_contacts_in_hand(scenario: Scenario) -> None:
    down = LinkDown("rabat", START + 3600, 30, InProgress.DROP)
    outcome = run_replication(replace(scenario, events=(down,)), 0)
    dropped = [at for at in outcome.dropped if at >= 0]
    assert dropped
    assert all(at == START + 3600 for at in dropped)
    # nobody of Rabat answers while the link is down
    rabat = {i for i, site in enumerate(outcome.staff.agent_sites) if site == 1}
    for contact, answered in enumerate(outcome.started):
        if START + 3600 <= answered < START + 5400:
            assert outcome.agent_of[contact] not in rabat


def test_link_down_requeues_contacts_in_hand(scenario: Scenario) -> None:
    down = LinkDown("rabat", START + 3600, 30, InProgress.REQUEUE)
    outcome = run_replication(replace(scenario, events=(down,)), 0)
    assert outcome.requeued > 0
    assert not any(at >= 0 for at in outcome.dropped)


def test_partner_closed_for_a_holiday_serves_nothing(scenario: Scenario) -> None:
    closed = PartnerClosed("atlas", first=_date(), last=_date())
    result = simulate(replace(scenario, events=(closed,)), replications=1)
    assert result.values(("partner", "atlas", None), "answered") in ([None], [0.0])
    assert result.estimate(TOTAL, "answered").mean


def _date():  # type: ignore[no-untyped-def]
    from datetime import date

    return date(2026, 3, 3)


def test_volume_shock_doubles_arrivals_after_its_start(scenario: Scenario) -> None:
    shock = VolumeShock(2.0, START + 2 * 3600, math.inf)
    base = run_replication(scenario, 0)
    shocked = run_replication(replace(scenario, events=(shock,)), 0)
    before = [t for t in base.arrivals.times if t < START + 2 * 3600]
    assert [t for t in shocked.arrivals.times if t < START + 2 * 3600] == before
    after_base = sum(1 for t in base.arrivals.times if t >= START + 2 * 3600)
    after_shock = sum(1 for t in shocked.arrivals.times if t >= START + 2 * 3600)
    assert 1.6 < after_shock / after_base < 2.4
    assert set(base.arrivals.times) <= set(shocked.arrivals.times)


def test_channel_shift_moves_a_fraction_to_chat(scenario: Scenario) -> None:
    shift = ChannelShift("voice", "chat", 0.2, -math.inf, math.inf)
    base = run_replication(scenario, 0)
    shifted = run_replication(replace(scenario, events=(shift,)), 0)
    assert base.arrivals.times == shifted.arrivals.times
    moved = sum(
        1 for a, b in zip(base.arrivals.queues, shifted.arrivals.queues, strict=True) if a != b
    )
    voice = base.arrivals.queues.count(0)
    assert 0.12 < moved / voice < 0.28


def test_mm1_matches_erlang_c_within_its_confidence_interval() -> None:
    # given M/M/1 at load 0.5 (AHT 60 s), 20 replications of 2 days after a warm-up
    scenario = Scenario(
        name="M/M/1",
        start=0.0,
        duration_s=2 * 86400,
        warm_up_s=3600,
        interval_s=86400,
        replications=20,
        agent_states=False,
        sites=(Site("s"),),
        queues=(QueueSpec(QueueConfig("q"), Exponential(60.0), rate_per_hour=30.0),),
        agents=(AgentGroup("a", "s", 1),),
    )
    result = simulate(scenario)
    asa = result.estimate(TOTAL, "average_speed_of_answer")
    theory = erlang_c(1, 0.5, aht_s=60.0).asa_s  # 60 s
    # then the formula lies within a loose band around the simulated CI
    assert asa.low is not None
    assert asa.high is not None
    assert asa.low - 5 <= theory <= asa.high + 5


def test_partner_costs_by_hand() -> None:
    # given one Atlas agent logged in all the time for 2 hours, no traffic
    scenario = Scenario(
        name="costs",
        start=START,
        duration_s=7200,
        drain_s=0,
        replications=1,
        sites=(Site("rabat", partner="atlas"),),
        queues=(QueueSpec(QueueConfig("q"), Exponential(60.0), rate_per_hour=0.0),),
        agents=(AgentGroup("a", "rabat", 3),),
        partners=(PartnerBilling("atlas", hourly_rate=20.0, per_contact_rate=2.5),),
    )
    result = simulate(scenario)
    view = ("partner", "atlas", None)
    # then 3 agents x 2 h x 20 = 120, and no contact costs nothing per contact
    assert result.values(view, "billable_hours") == [6.0]
    assert result.values(view, "cost_hourly") == [120.0]
    assert result.values(view, "cost_per_contact") == [0.0]


def test_per_contact_cost_counts_handled_contacts(scenario: Scenario) -> None:
    billed = replace(scenario, partners=(PartnerBilling("atlas", 18.0, 3.0),))
    result = simulate(billed, replications=1)
    view = ("partner", "atlas", None)
    handled = result.values(view, "handled")[0]
    assert handled
    assert result.values(view, "cost_per_contact") == [handled * 3.0]


def test_report_is_self_contained_in_both_languages(scenario: Scenario) -> None:
    result = simulate(scenario, replications=2)
    other = simulate(replace(scenario, events=(VolumeShock(1.5, START, math.inf),)), replications=2)
    french = render_html_report(result, lang="fr", against=other)
    english = render_html_report(result, lang="en")
    assert "<svg" in french
    assert "Niveau de service" in french
    assert "Différence" in french
    assert "Service level" in english
    for page in (french, english):
        assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
        assert "https://" not in page
        assert "<script" not in page


def test_a_site_outage_leaves_its_agents_out_and_the_report_marks_it(scenario: Scenario) -> None:
    # given Lille down from 09:00 to 10:00 (UTC: the scenario's zone) with every replication
    outage = LinkDown("lille", START + 3600, 60, InProgress.REQUEUE)
    down = simulate(replace(scenario, events=(outage,)), replications=2)
    # then nobody of Lille answers during the window, and they answer again after it
    outcome = run_replication(replace(scenario, events=(outage,)), 0)
    lille = {i for i, site in enumerate(outcome.staff.agent_sites) if site == 0}
    answered_by_lille = [
        answered
        for contact, answered in enumerate(outcome.started)
        if answered >= 0 and outcome.agent_of[contact] in lille
    ]
    assert not [t for t in answered_by_lille if START + 3600 <= t < START + 7200]
    assert [t for t in answered_by_lille if t >= START + 7200]
    # and the report finds the window: intervals 2 and 3 (half-hours from 08:00)
    [window] = outage_windows(down)
    assert (window.site_id, window.first, window.last) == ("lille", 2, 3)
    assert window.service_level_during is not None
    assert window.service_level_outside is not None
    assert window.service_level_during < window.service_level_outside
    html = render_html_report(down, lang="fr")
    assert "Pannes de site" in html
    assert 'data-outage="Panne lille"' in html
    assert 'data-outage="' not in render_html_report(simulate(scenario, replications=2))


def _calls_with_chats(outcome: RunOutcome) -> int:
    """How many (call, chat) pairs one agent held at the same time."""
    held: dict[int, list[tuple[float, float, int]]] = {}
    for contact, agent in enumerate(outcome.agent_of):
        if agent >= 0 and outcome.started[contact] >= 0:
            span = (outcome.started[contact], outcome.ended[contact], outcome.queue_of[contact])
            held.setdefault(agent, []).append(span)
    return sum(
        1
        for spans in held.values()
        for start, end, queue in spans
        if queue == 0  # the voice queue
        for other_start, other_end, other in spans
        if other == 1 and start < other_end and other_start < end
    )


def test_a_call_blocks_chats_unless_the_chat_queue_allows_both(scenario: Scenario) -> None:
    # given Rabat's agents take calls and chats; then the same day with the chat queue
    # allowing chats during calls
    voice, chat = scenario.queues
    sharing = replace(
        scenario,
        queues=(voice, replace(chat, config=replace(chat.config, chats_during_calls=True))),
    )
    # when both run
    apart, shared = run_replication(scenario, 0), run_replication(sharing, 0)
    # then an agent held a call and a chat at once only in the second
    assert _calls_with_chats(apart) == 0
    assert _calls_with_chats(shared) > 0
