"""A schedule solve runs as a background job: its phases and progress are stored, its result
is told in the planner's words, a failure keeps its reason; the viewer's scope applies."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone, translation

from relais.apps.audit.models import AuditEntry
from relais.apps.errors import RelaisError
from relais.apps.wfm import jobs, reports, services, solves, wording
from relais.apps.wfm.models import ScheduleSolve, SolvePhase, SolveStatus
from relais.core.wfm.scheduling import solve_schedule
from relais.core.wfm.scheduling.solver import PHASES
from tests.apps.conftest import World, logged_in
from tests.apps.wfm.fixtures import WEEK
from tests.apps.wfm.test_services import FAST, flat_forecast


def staffed_lille(world: World) -> None:
    run = flat_forecast(world, "lille", volume=6)
    services.staffing_plan_create(actor=None, forecast=run, shrinkage=0.0)


def test_the_solver_reports_its_phases_in_order(world: World) -> None:
    from relais.apps.wfm import rostering

    staffed_lille(world)
    week = rostering.week_of(WEEK, [world.lille])
    plan = world.lille.staffing_plans.get()
    agents = list(services.selectors.schedulable_agent_list(site=world.lille))
    problem = rostering.problem_for(
        week, [world.lille], {world.lille.pk: plan}, {world.lille.pk: agents}
    )
    heard: list[tuple[str, float]] = []

    solve_schedule(problem, FAST, lambda phase, share: heard.append((phase, share)))

    phases = [phase for phase, _ in heard]
    assert phases[:3] == ["model", "bound", "search"]
    assert phases[-1] == "decode"
    shares = [share for _, share in heard]
    assert shares == sorted(shares)
    assert all(PHASES[phase] == share for phase, share in heard)


def test_a_requested_solve_is_queued_audited_then_run_by_the_job(
    world: World, immediate_jobs: None, django_capture_on_commit_callbacks: Any
) -> None:
    staffed_lille(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        solve = solves.schedule_solve_request(
            actor=world.users["planner"], week_start=WEEK, sites=[world.lille], max_seconds=3
        )
    solve.refresh_from_db()
    assert (solve.status, solve.phase, solve.percent) == ("queued", "waiting", 0)
    assert AuditEntry.objects.filter(action="wfm.schedule_solve.request").count() == 1

    for callback in callbacks:  # the job, at once (immediate backend)
        callback()

    solve.refresh_from_db()
    assert solve.status == SolveStatus.DONE
    assert solve.phase == SolvePhase.SAVED
    assert solve.percent == 100
    assert solve.schedule is not None
    assert solve.schedule.shifts.exists()
    assert solve.started_at is not None
    assert solve.finished_at is not None


def test_a_solve_without_staffing_is_refused_at_once_and_saves_nothing(world: World) -> None:
    with pytest.raises(RelaisError) as refused:
        solves.schedule_solve_request(
            actor=world.users["planner"], week_start=WEEK, sites=[world.lille]
        )
    assert refused.value.code == "no_staffing"
    assert ScheduleSolve.objects.count() == 0


def test_a_failing_solve_keeps_its_reason(world: World) -> None:
    staffed_lille(world)
    solve = ScheduleSolve.objects.create(week_start=WEEK, max_seconds=2)
    solve.sites.set([world.lille])
    world.lille.staffing_plans.all().delete()  # gone between the request and the job

    assert jobs.execute_solve(solve.pk) == SolveStatus.FAILED

    solve.refresh_from_db()
    assert solve.status == SolveStatus.FAILED
    assert "Lille" in solve.error
    assert solve.schedule is None
    assert jobs.execute_solve(solve.pk) == "skipped"  # run once only


def test_the_result_is_told_as_coverage_and_distance_from_the_best(world: World) -> None:
    staffed_lille(world)
    schedule = services.schedule_create(
        actor=None, week_start=WEEK, sites=[world.lille], settings=FAST
    )
    summary = reports.solve_summary(viewer=world.users["planner"], schedule=schedule)

    required = sum(schedule.requirements[str(world.lille.pk)])
    assert summary.hours_required == required / 4
    assert 0 < summary.hours_covered <= summary.hours_required
    assert 0 < summary.intervals_covered <= summary.intervals_needed
    with translation.override("fr"):
        words = wording.solve_sentences(summary)
    assert "\u202f%" in words["coverage"]
    assert "heures" in words["coverage"] or "h" in words["coverage"]
    if summary.is_best:
        assert "meilleur possible" in words["distance"]
    else:
        assert "du meilleur possible" in words["distance"]


def test_solve_sentences_in_english_and_french() -> None:
    summary = reports.SolveSummary(
        intervals_needed=200,
        intervals_covered=150,
        hours_required=100.0,
        hours_covered=92.5,
        gap_pct=3.25,
        status="feasible",
    )
    with translation.override("en"):
        english = wording.solve_sentences(summary)
    with translation.override("fr"):
        french = wording.solve_sentences(summary)
    assert english["coverage"].startswith("75.0% of the quarter-hours")
    assert "92.5%" in english["coverage"]
    assert "7.5 h short" in english["coverage"]
    assert "within 3.2% of the best possible" in english["distance"]
    assert french["coverage"].startswith("75,0\u202f%")
    assert "3,2\u202f%" in french["distance"]


def test_the_solve_page_shows_progress_then_the_result(
    world: World, django_capture_on_commit_callbacks: Any, immediate_jobs: None
) -> None:
    staffed_lille(world)
    client = logged_in(world.users["planner"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/planning/schedules/",
            {"week_start": "02/06/2025", "sites": [world.lille.pk], "max_seconds": 3},
        )
    solve = ScheduleSolve.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/planning/solves/{solve.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="solve-progress"' in page
    status = client.get(f"/planning/solves/{solve.pk}/status/").json()
    assert status["status"] == "queued"
    assert status["percent"] == 0

    for callback in callbacks:
        callback()

    status = client.get(f"/planning/solves/{solve.pk}/status/").json()
    assert (status["status"], status["percent"]) == ("done", 100)
    page = client.get(f"/planning/solves/{solve.pk}/").content.decode()
    assert 'data-testid="solve-coverage"' in page
    assert "<details" in page


def test_a_french_date_is_read_and_a_bad_one_explained(world: World) -> None:
    staffed_lille(world)
    client = logged_in(world.users["planner"])  # French by default

    response = client.post(
        "/planning/schedules/",
        {"week_start": "2025-31-12", "sites": [world.lille.pk], "max_seconds": 3},
    )

    assert response.status_code == 400
    assert "jj/mm/aaaa" in response.content.decode()
    assert ScheduleSolve.objects.count() == 0


def test_a_partner_manager_finds_no_solve_of_another_site(world: World) -> None:
    staffed_lille(world)
    solve = ScheduleSolve.objects.create(week_start=WEEK, max_seconds=2)
    solve.sites.set([world.lille])
    client = logged_in(world.users["partner_manager"])

    assert client.get(f"/planning/solves/{solve.pk}/").status_code == 404
    assert client.get(f"/planning/solves/{solve.pk}/status/").status_code == 404
    assert (
        logged_in(world.users["director"]).get(f"/planning/solves/{solve.pk}/").status_code == 200
    )


def test_a_solve_whose_worker_died_is_failed_once_past_its_time_limit(world: World) -> None:
    # given a solve "running" since long before its 2 s limit, and one still within it
    staffed_lille(world)
    now = timezone.now()
    lost = ScheduleSolve.objects.create(
        week_start=WEEK, max_seconds=2, requested_by=world.users["planner"]
    )
    alive = ScheduleSolve.objects.create(week_start=WEEK, max_seconds=2)
    ScheduleSolve.objects.filter(pk=lost.pk).update(
        status=SolveStatus.RUNNING, started_at=now - solves.STALE_GRACE - dt.timedelta(seconds=3)
    )
    ScheduleSolve.objects.filter(pk=alive.pk).update(
        status=SolveStatus.RUNNING, started_at=now - dt.timedelta(seconds=30)
    )

    # when anyone reads a solve (here the progress the page polls)
    client = logged_in(world.users["planner"])
    answer = client.get(f"/planning/solves/{lost.pk}/status/").json()

    # then the lost one is failed with why, in its requester's language; the other runs on
    assert answer["status"] == SolveStatus.FAILED
    lost.refresh_from_db()
    assert lost.finished_at is not None
    assert "redémarrage" in lost.error  # the planner works in French
    alive.refresh_from_db()
    assert alive.status == SolveStatus.RUNNING
    assert jobs.execute_solve(lost.pk) == "skipped"  # a late worker does not revive it
