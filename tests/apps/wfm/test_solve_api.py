"""POST /api/v1/wfm/schedules queues the solve as a background job and answers 202 at once;
the solve's status URL gives its progress and, once done, the schedule (in the viewer's
scope); a refusal is a 4xx with its code and saves nothing."""

from __future__ import annotations

from typing import Any

from relais.apps.wfm.models import Schedule, ScheduleSolve
from tests.apps.conftest import World, logged_in
from tests.apps.wfm.fixtures import WEEK
from tests.apps.wfm.test_solve_jobs import staffed_lille


def _post(client: Any, world: World, **body: Any) -> Any:
    payload = {"week_start": WEEK.isoformat(), "site_ids": [world.lille.pk], "max_seconds": 2.5}
    return client.post("/api/v1/wfm/schedules", payload | body, content_type="application/json")


def test_the_api_queues_the_solve_answers_202_then_gives_the_schedule_when_done(
    world: World, immediate_jobs: None, django_capture_on_commit_callbacks: Any
) -> None:
    # given a staffed site and its planner
    staffed_lille(world)
    planner = logged_in(world.users["planner"])

    # when the planner asks for the week's schedule, the job not yet run
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        posted = _post(planner, world)

    # then the answer comes at once: the solve queued, where to follow it, no schedule yet
    assert posted.status_code == 202, posted.json()
    solve = posted.json()
    assert solve["status"] == "queued"
    assert solve["percent"] == 0
    assert solve["schedule"] is None
    assert solve["site_ids"] == [world.lille.pk]
    assert solve["status_url"] == f"/api/v1/wfm/schedule-solves/{solve['id']}"
    assert posted["Location"] == solve["status_url"]
    assert ScheduleSolve.objects.get(pk=solve["id"]).max_seconds == 3  # 2.5 s, rounded up
    assert not Schedule.objects.exists()
    assert planner.get(solve["status_url"]).json()["status"] == "queued"

    # when the worker runs the job
    for callback in callbacks:
        callback()

    # then the status URL gives the result and the schedule with its shifts
    done = planner.get(solve["status_url"]).json()
    assert (done["status"], done["phase"], done["percent"]) == ("done", "saved", 100)
    assert done["schedule"]["id"] == Schedule.objects.get().pk
    assert done["schedule"]["site_ids"] == [world.lille.pk]
    assert {shift["site_id"] for shift in done["schedule"]["shifts"]} == {world.lille.pk}


def test_a_solve_the_api_cannot_start_is_refused_with_its_code(world: World) -> None:
    planner = logged_in(world.users["planner"])

    refused = _post(planner, world)  # no staffing plan for the week

    assert refused.status_code == 400
    assert refused.json()["code"] == "no_staffing"
    assert not ScheduleSolve.objects.exists()


def test_a_solve_outside_the_viewer_s_sites_is_not_found(
    world: World, immediate_jobs: None
) -> None:
    staffed_lille(world)
    solve = _post(logged_in(world.users["planner"]), world).json()

    outsider = logged_in(world.users["partner_manager"])  # Atlas Contact: Rabat only

    assert outsider.get(solve["status_url"]).status_code == 404
