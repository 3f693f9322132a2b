"""Adherence over a schedule that spans past, present and future days: only elapsed time is
measured, the rest of the week shows as planned (the page, the API and the report)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.apps.interactions.models import ContactEvent, EventKind
from relais.apps.organisation.models import Agent
from relais.apps.wfm.models import Schedule, ScheduledShift
from relais.apps.wfm.reports import schedule_adherence
from tests.apps.conftest import World, logged_in

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def _state(agent: Agent, at: dt.datetime, state: str) -> None:
    ContactEvent.objects.create(
        at=at,
        kind=EventKind.AGENT_STATE_CHANGED,
        agent=agent,
        data={"state": state, "reason": None},
        by_router=True,
    )


def three_days(world: World, today_start: dt.datetime) -> tuple[Schedule, Agent]:
    """08:00-16:00 shifts (from ``today_start``) yesterday, today and tomorrow for one Lille
    agent, in a schedule whose week starts the day before yesterday."""
    agent = world.agents["lille0"]
    schedule = Schedule.objects.create(
        week_start=(today_start - 2 * DAY).date(),
        starts_at=today_start.replace(hour=0, minute=0, second=0, microsecond=0) - 2 * DAY,
        status="optimal",
        objective=0,
        bound=0,
        gap_pct=0,
        seconds=0.1,
        created_at=today_start - 3 * DAY,
    )
    schedule.sites.set([world.lille])
    for offset in (-1, 0, 1):
        start = today_start + offset * DAY
        ScheduledShift.objects.create(
            schedule=schedule, agent=agent, site=world.lille, start=start, end=start + 8 * HOUR
        )
    return schedule, agent


def test_the_report_measures_up_to_now_and_plans_the_rest(world: World) -> None:
    # given: yesterday worked in full, today in at 09:00 (an hour late) and never logged out
    today = dt.datetime(2026, 3, 3, 8, tzinfo=dt.UTC)
    schedule, agent = three_days(world, today)
    _state(agent, today - DAY, "available")
    _state(agent, today - DAY + 8 * HOUR, "offline")
    _state(agent, today + HOUR, "available")

    # when: it is 12:00 today
    report = schedule_adherence(
        viewer=world.users["planner"], schedule=schedule, now=today + 4 * HOUR
    )

    # then: 8 h + 4 h scheduled so far, 8 h + 3 h worked; 4 h + 8 h still planned
    (line,) = report.agents
    assert (line.scheduled_minutes, line.worked_minutes, line.planned_minutes) == (720, 660, 720)
    assert line.adherence_pct == pytest.approx(100 * 660 / 720)
    assert line.conformance_pct == pytest.approx(100 * 660 / 720)
    assert report.measured_until == today + 4 * HOUR
    assert report.progress == "in_progress"
    assert report.sites[0].planned_minutes == 720


def test_a_week_to_come_is_all_planned(world: World) -> None:
    # given: the agent was left available the day before the week
    today = dt.datetime(2026, 3, 3, 8, tzinfo=dt.UTC)
    schedule, agent = three_days(world, today)
    _state(agent, schedule.starts_at - DAY, "available")

    # when: the week has not started
    report = schedule_adherence(
        viewer=world.users["planner"], schedule=schedule, now=schedule.starts_at - HOUR
    )

    # then: nothing worked, nothing missed, 3 x 8 h planned
    (line,) = report.agents
    assert (line.scheduled_minutes, line.worked_minutes, line.planned_minutes) == (0, 0, 1440)
    assert (line.adherence_pct, line.conformance_pct) == (None, None)
    assert report.progress == "ahead"


def test_a_lost_desktop_connection_is_out_of_adherence(world: World) -> None:
    # given: yesterday, 2 h into the shift the desktop's connection stayed lost past the
    # grace (the router's "disconnected" state); the agent logged in again 1 h later
    today = dt.datetime(2026, 3, 3, 8, tzinfo=dt.UTC)
    schedule, agent = three_days(world, today)
    _state(agent, today - DAY, "available")
    _state(agent, today - DAY + 2 * HOUR, "disconnected")
    _state(agent, today - DAY + 3 * HOUR, "available")
    _state(agent, today - DAY + 8 * HOUR, "offline")

    report = schedule_adherence(viewer=world.users["planner"], schedule=schedule, now=today)

    (line,) = report.agents
    assert (line.scheduled_minutes, line.worked_minutes) == (480, 420)


def test_the_page_and_the_api_show_the_week_in_progress(world: World) -> None:
    # given: today's shift started 2 h ago, the agent available since and never logged out
    now = timezone.now().replace(microsecond=0)
    schedule, agent = three_days(world, now - 2 * HOUR)
    _state(agent, now - 2 * HOUR - DAY, "available")
    _state(agent, now - 2 * HOUR - DAY + 8 * HOUR, "offline")
    _state(agent, now - 2 * HOUR, "available")
    client = logged_in(world.users["planner"])

    html = client.get(f"/planning/schedules/{schedule.pk}/adherence/").content.decode()
    api = client.get(f"/api/v1/wfm/schedules/{schedule.pk}/adherence").json()

    # then: worked is yesterday's 8 h and today's 2 h so far, never the rest of the week
    assert 'data-testid="adherence-in-progress"' in html
    (line,) = api["agents"]
    assert line["worked_minutes"] == line["scheduled_minutes"] == 600
    assert line["conformance_pct"] == pytest.approx(100.0)
    assert line["planned_minutes"] in (839, 840)  # today's last 6 h and tomorrow's 8 h
    measured_until = dt.datetime.fromisoformat(api["measured_until"])
    assert now <= measured_until < dt.datetime.fromisoformat(api["end"])
