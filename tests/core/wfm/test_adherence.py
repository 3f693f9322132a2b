"""Adherence and conformance on hand-computed cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from relais.core.wfm.adherence import (
    ScheduledActivity,
    StateChange,
    activities_from_shifts,
    adherence_by_agent,
    adherence_by_site,
)

DAY = datetime(2026, 3, 2, tzinfo=UTC)
AFTER = DAY + timedelta(days=2)  # "now" for the days that are over


def at(hour: int, minute: int = 0) -> datetime:
    return DAY + timedelta(hours=hour, minutes=minute)


# 09:00-12:00 work, 12:00-13:00 lunch, 13:00-17:00 work
PLAN = [
    ScheduledActivity("ana", at(9), at(12), "work"),
    ScheduledActivity("ana", at(12), at(13), "lunch"),
    ScheduledActivity("ana", at(13), at(17), "work"),
]


def test_perfect_day_is_100_percent() -> None:
    log = [
        StateChange("ana", at(9), "available"),
        StateChange("ana", at(10), "busy"),
        StateChange("ana", at(10, 20), "wrap_up"),
        StateChange("ana", at(12), "break", "lunch"),
        StateChange("ana", at(13), "available"),
        StateChange("ana", at(17), "offline"),
    ]
    figures = adherence_by_agent(PLAN, log, at(0), at(24), now=AFTER)["ana"]
    assert figures.scheduled == timedelta(hours=8)
    assert figures.adherence_pct == 100.0
    assert figures.conformance_pct == 100.0


def test_late_login_long_lunch_and_overtime() -> None:
    # given: logs in 15 min late, lunch 12:00-13:30, stays until 17:30
    log = [
        StateChange("ana", at(9, 15), "available"),
        StateChange("ana", at(12), "break", "lunch"),
        StateChange("ana", at(13, 30), "busy"),
        StateChange("ana", at(17, 30), "offline"),
    ]
    figures = adherence_by_agent(PLAN, log, at(0), at(24), now=AFTER)["ana"]
    # in adherence: work 9:15-12 (165 min) + lunch 60 + work 13:30-17 (210) = 435 of 480
    assert figures.in_adherence == timedelta(minutes=435)
    assert figures.adherence_pct == pytest.approx(100 * 435 / 480)
    # worked 165 + 240 = 405 of 420 scheduled work minutes
    assert figures.worked == timedelta(minutes=405)
    assert figures.conformance_pct == pytest.approx(100 * 405 / 420)


def test_wrong_break_reason_and_state_before_period_count() -> None:
    # given: available since 08:00 (before the period), takes a "training" break at lunch
    log = [
        StateChange("ana", at(8), "available"),
        StateChange("ana", at(12), "break", "training"),
        StateChange("ana", at(13), "available"),
        StateChange("ana", at(17), "offline"),
    ]
    figures = adherence_by_agent(PLAN, log, at(9), at(17), now=AFTER)["ana"]
    # then lunch is out of adherence, the 8:00 state carries into the period
    assert figures.in_adherence == timedelta(hours=7)
    assert figures.adherence_pct == pytest.approx(87.5)
    assert figures.conformance_pct == 100.0


def test_period_clips_the_schedule_and_missing_log_means_offline() -> None:
    log = [StateChange("ana", at(9), "available")]
    figures = adherence_by_agent(PLAN, log, at(11), at(14), now=AFTER)["ana"]
    # scheduled in 11-14: work 11-12, lunch 12-13, work 13-14; available all the time
    assert figures.scheduled == timedelta(hours=3)
    assert figures.in_adherence == timedelta(hours=2)
    absent = adherence_by_agent(
        [ScheduledActivity("bob", at(9), at(10), "work")], [], at(0), at(24), now=AFTER
    )["bob"]
    assert absent.adherence_pct == 0.0
    assert absent.conformance_pct == 0.0


def test_site_figures_are_ratios_of_sums() -> None:
    plan = [
        *PLAN,
        ScheduledActivity("bob", at(9), at(11), "work"),
    ]
    log = [
        StateChange("ana", at(9), "available"),
        StateChange("ana", at(12), "break", "lunch"),
        StateChange("ana", at(13), "available"),
        StateChange("ana", at(17), "offline"),
        StateChange("bob", at(10), "available"),
        StateChange("bob", at(11), "offline"),
    ]
    per_agent = adherence_by_agent(plan, log, at(0), at(24), now=AFTER)
    assert per_agent["bob"].adherence_pct == 50.0
    sites = adherence_by_site(per_agent, {"ana": "lille", "bob": "lille"})
    # (480 + 60) / (480 + 120) minutes
    assert sites["lille"].adherence_pct == pytest.approx(90.0)
    # unscheduled agents have no adherence figure
    extra = adherence_by_agent(
        [], [StateChange("eve", at(9), "available")], at(0), at(24), now=AFTER
    )
    assert extra["eve"].adherence_pct is None
    assert extra["eve"].worked == timedelta(hours=15)


def test_activities_from_schedule_intervals() -> None:
    activities = activities_from_shifts([("ana", [(36, 48, "work"), (48, 50, "lunch")])], DAY)
    assert activities == [
        ScheduledActivity("ana", at(9), at(12), "work"),
        ScheduledActivity("ana", at(12), at(12, 30), "lunch"),
    ]


def test_naive_period_is_rejected() -> None:
    with pytest.raises(ValueError, match="aware"):
        adherence_by_agent(PLAN, [], datetime(2026, 3, 2), at(24), now=AFTER)


def test_a_week_that_has_not_started_is_planned_not_worked() -> None:
    # given: an agent left available before the week, a shift on each of 7 days to come
    week = [
        ScheduledActivity("ana", at(9) + timedelta(days=d), at(17) + timedelta(days=d), "work")
        for d in range(7)
    ]
    log = [StateChange("ana", at(-1), "available")]

    # when: measured before the week starts
    figures = adherence_by_agent(week, log, at(0), at(0) + timedelta(days=7), now=at(-1))["ana"]

    # then: nothing is measured yet, all 56 hours are planned
    assert (figures.scheduled, figures.worked) == (timedelta(0), timedelta(0))
    assert figures.adherence_pct is None
    assert figures.conformance_pct is None
    assert figures.scheduled_ahead == timedelta(hours=56)


def test_the_day_in_progress_is_measured_up_to_now() -> None:
    # given: on time, lunch as planned, back at 13:00 and still available (no log-out yet)
    log = [
        StateChange("ana", at(9), "available"),
        StateChange("ana", at(12), "break", "lunch"),
        StateChange("ana", at(13), "available"),
    ]

    # when: it is 14:00
    figures = adherence_by_agent(PLAN, log, at(0), at(24), now=at(14))["ana"]

    # then: 9-14 measured (4 h of work, 1 h of lunch), 14-17 still planned
    assert figures.scheduled == timedelta(hours=5)
    assert figures.scheduled_work == figures.worked == timedelta(hours=4)
    assert figures.adherence_pct == 100.0
    assert figures.conformance_pct == 100.0
    assert figures.scheduled_ahead == timedelta(hours=3)


def test_a_schedule_over_past_present_and_future_days() -> None:
    # given: three days of 09:00-17:00 work; yesterday 09:00-17:00 worked, today in late at
    # 09:30 and still working, tomorrow not yet come
    plan = [
        ScheduledActivity("ana", at(9) + timedelta(days=d), at(17) + timedelta(days=d), "work")
        for d in (-1, 0, 1)
    ]
    log = [
        StateChange("ana", at(9) - timedelta(days=1), "available"),
        StateChange("ana", at(17) - timedelta(days=1), "offline"),
        StateChange("ana", at(9, 30), "busy"),
    ]

    # when: it is 11:00 today, over the three days
    figures = adherence_by_agent(
        plan, log, at(0) - timedelta(days=1), at(0) + timedelta(days=2), now=at(11)
    )["ana"]

    # then: 8 h + 2 h scheduled so far, 9.5 h of it in adherence; 6 h + 8 h still planned
    assert figures.scheduled == figures.scheduled_work == timedelta(hours=10)
    assert figures.in_adherence == figures.worked == timedelta(hours=9, minutes=30)
    assert figures.adherence_pct == pytest.approx(95.0)
    assert figures.conformance_pct == pytest.approx(95.0)
    assert figures.scheduled_ahead == timedelta(hours=14)
    # and the site's sum keeps what is still planned apart
    site = adherence_by_site({"ana": figures}, {"ana": "lille"})["lille"]
    assert site.scheduled_ahead == timedelta(hours=14)


def test_a_lost_connection_is_neither_adherent_nor_worked() -> None:
    # given: the desktop connection lost from 10:00 to 10:30 (state "disconnected")
    log = [
        StateChange("ana", at(9), "available"),
        StateChange("ana", at(10), "disconnected"),
        StateChange("ana", at(10, 30), "available"),
        StateChange("ana", at(12), "offline"),
    ]

    figures = adherence_by_agent(PLAN[:1], log, at(0), at(24), now=AFTER)["ana"]

    assert figures.in_adherence == figures.worked == timedelta(hours=2, minutes=30)
    assert figures.adherence_pct == pytest.approx(100 * 2.5 / 3)


def test_naive_now_is_rejected() -> None:
    with pytest.raises(ValueError, match="aware"):
        adherence_by_agent(PLAN, [], at(0), at(24), now=datetime(2026, 3, 2, 12))
