"""Every API endpoint and page, for every role: each sees exactly its scope, nothing more.

Expectations are written from the definition of each role, independently of the selectors.
Adding an endpoint without adding it here fails `test_every_endpoint_is_in_the_matrix`.

The world is built once for the module (as Django's `TestCase.setUpTestData`), in a
transaction rolled back after the module's last test; each test runs in a savepoint of it
(pytest-django's `db`), rolled back after the test, on a copy of the world's objects.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Model
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from relais.apps.accounts.models import Role
from relais.apps.audit.models import AuditEntry
from relais.apps.organisation.models import Agent, Partner, Site, Skill, Team
from tests.apps.conftest import FAST_PASSWORD_HASHERS, World, logged_in, world_build


@pytest.fixture(scope="module")
def module_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The world, written once for the module's tests and rolled back after them."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        outer = transaction.atomic()
        outer.__enter__()
        built = world_build()
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(module_world: World, db: None) -> World:
    """The module's world in this test's savepoint; its objects copied, so that what a test
    changes in them stays in that test."""
    return copy.deepcopy(module_world)


EVERYTHING = {Role.ADMINISTRATOR, Role.DIRECTOR, Role.PLANNER, Role.QUALITY_ANALYST}
#: Roles that supervise nobody: agents, and a partner's quality evaluators (quality only).
NOT_SUPERVISING = {Role.AGENT, Role.PARTNER_EVALUATOR}
ROLES = [role.value for role in Role]
#: The world's users: one per role, and a supervisor at Atlas Contact's site (Rabat), the
#: partner's own staff, whose scope is their team like any supervisor's (issue 15).
USERS = [*ROLES, "supervisor_atlas"]


def role_of(user: str) -> str:
    return Role.SUPERVISOR.value if user == "supervisor_atlas" else user


Expectation = Callable[[World], set[int]]


def _everything(model: type[Model]) -> Expectation:
    return lambda w: set(model._default_manager.values_list("pk", flat=True))


# What each scoped role may see, per resource, from the role definitions.
SCOPED: dict[str, dict[str, Expectation]] = {
    "partner_manager": {  # manager of Atlas Contact: Atlas's sites and everything on them
        "partners": lambda w: {w.atlas.pk},
        "sites": lambda w: {w.rabat.pk},
        "teams": lambda w: {w.teams["rabat"].pk},
        "agents": lambda w: {w.agents["rabat0"].pk, w.agents["rabat1"].pk},
    },
    "supervisor": {  # supervisor of the Lille team: their team, its agents, its site
        "partners": lambda w: set(),
        "sites": lambda w: {w.lille.pk},
        "teams": lambda w: {w.teams["lille"].pk},
        "agents": lambda w: {w.agents["lille0"].pk, w.agents["lille1"].pk},
    },
    "supervisor_atlas": {  # supervisor of the Rabat team, at Atlas Contact's site
        "partners": lambda w: {w.atlas.pk},
        "sites": lambda w: {w.rabat.pk},
        "teams": lambda w: {w.teams["rabat"].pk},
        "agents": lambda w: {w.agents["rabat0"].pk, w.agents["rabat1"].pk},
    },
    "partner_evaluator": {  # Atlas's quality evaluator: nothing of the organisation (quality only)
        "partners": lambda w: set(),
        "sites": lambda w: set(),
        "teams": lambda w: set(),
        "agents": lambda w: set(),
    },
    "agent": {  # agent rabat0: themself, their team, site and employer
        "partners": lambda w: {w.atlas.pk},
        "sites": lambda w: {w.rabat.pk},
        "teams": lambda w: {w.teams["rabat"].pk},
        "agents": lambda w: {w.agents["rabat0"].pk},
    },
}
MODELS: dict[str, type[Model]] = {
    "partners": Partner,
    "sites": Site,
    "teams": Team,
    "agents": Agent,
    "skills": Skill,
}


def expected(world: World, role: str, resource: str) -> set[int]:
    if resource == "skills" or role in EVERYTHING:
        return _everything(MODELS[resource])(world)
    return SCOPED[role][resource](world)


def _api_paths() -> set[str]:
    resolver = get_resolver()
    found: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif route.startswith("api/v1/"):
                found.add(route)

    walk(resolver.url_patterns, "")
    return found


COVERED_API = {
    "api/v1/me",
    "api/v1/tokens",
    "api/v1/tokens/<token_id>",
    *(f"api/v1/{resource}" for resource in MODELS),
    *(f"api/v1/{resource}/<object_id>" for resource in MODELS),
    "api/v1/docs",
}


def test_every_endpoint_is_in_the_matrix() -> None:
    assert _api_paths() <= COVERED_API, f"add to the matrix: {_api_paths() - COVERED_API}"


@pytest.mark.parametrize("role", USERS)
@pytest.mark.parametrize("resource", list(MODELS))
def test_api_lists_and_reads_are_scoped(world: World, role: str, resource: str) -> None:
    client = logged_in(world.users[role])
    visible = expected(world, role, resource)

    listed = client.get(f"/api/v1/{resource}?limit=500").json()

    assert {item["id"] for item in listed["items"]} == visible
    assert listed["count"] == len(visible)
    for pk in _everything(MODELS[resource])(world):
        response = client.get(f"/api/v1/{resource}/{pk}")
        assert response.status_code == (200 if pk in visible else 404), (role, resource, pk)
        if pk not in visible:
            assert response.json()["code"] == "not_found"


WRITES = {
    "partners": {"name": "Nouveau", "country": "TN"},
    "sites": {"name": "Tunis", "kind": "offshore", "country": "TN", "time_zone": "Africa/Tunis"},
    "teams": {"name": "Nouvelle", "site_id": None},
    "skills": {"code": "warranty", "name_en": "Warranty", "name_fr": "Garantie"},
    "agents": {"username": "new.agent", "site_id": None},
}


@pytest.mark.parametrize("role", [role for role in ROLES if role != Role.ADMINISTRATOR])
@pytest.mark.parametrize("resource", list(MODELS))
def test_only_administrators_write(world: World, role: str, resource: str) -> None:
    client = logged_in(world.users[role])
    body = {k: (world.lille.pk if v is None else v) for k, v in WRITES[resource].items()}
    rows_before = MODELS[resource]._default_manager.count()
    audit_before = AuditEntry.objects.count()

    created = client.post(f"/api/v1/{resource}", json.dumps(body), content_type="application/json")
    target = next(iter(_everything(MODELS[resource])(world)))
    patched = client.patch(
        f"/api/v1/{resource}/{target}", json.dumps({"name": "x"}), content_type="application/json"
    )

    assert created.status_code == 403
    assert created.json()["code"] == "permission_denied"
    visible = expected(world, role, resource)
    assert patched.status_code == (403 if target in visible else 404)
    assert MODELS[resource]._default_manager.count() == rows_before
    assert AuditEntry.objects.count() == audit_before


def test_anonymous_gets_401_on_the_api_and_login_on_pages(world: World) -> None:
    from django.test import Client

    client = Client()
    for resource in MODELS:
        response = client.get(f"/api/v1/{resource}")
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
    for name in [
        "home",
        "organisation:sites",
        "organisation:teams",
        "organisation:agents",
        "organisation:partners",
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


PAGES = {
    "organisation:sites": ("sites", lambda obj: obj.name),
    "organisation:teams": ("teams", lambda obj: obj.name),
    "organisation:agents": ("agents", lambda obj: obj.user.get_full_name()),
    "organisation:partners": ("partners", lambda obj: obj.name),
}


@pytest.mark.parametrize("role", USERS)
@pytest.mark.parametrize("page", list(PAGES))
def test_pages_show_only_the_scope(world: World, role: str, page: str) -> None:
    client = logged_in(world.users[role])
    resource, label = PAGES[page]
    visible = expected(world, role, resource)

    html = client.get(reverse(page)).content.decode()

    for obj in MODELS[resource]._default_manager.all():
        assert (label(obj) in html) == (obj.pk in visible), (role, page, label(obj))


@pytest.mark.parametrize("role", USERS)
def test_agent_detail_page_is_scoped(world: World, role: str) -> None:
    client = logged_in(world.users[role])
    visible = expected(world, role, "agents")
    for agent in Agent.objects.all():
        response = client.get(reverse("organisation:agent", args=[agent.pk]))
        assert response.status_code == (200 if agent.pk in visible else 404)


# Contacts, presence and queues ---------------------------------------------------------------

CONTACT_ACTIONS = ("accept", "reject", "complete", "transfer", "abandon")
COVERED_API |= {
    "api/v1/contacts",
    "api/v1/contacts/<contact_id>",
    "api/v1/contacts/<contact_id>/events",
    *(f"api/v1/contacts/<contact_id>/{action}" for action in CONTACT_ACTIONS),
    "api/v1/contacts/<contact_id>/unmask",
    "api/v1/agents/<agent_id>/presence",
    "api/v1/queues",
    "api/v1/queues/<queue_id>",
    "api/v1/queues/<queue_id>/status",
}
SERVED_BY = ("lille0", "rabat0", "bucarest0", "home0")  # one contact each, and one waiting
CONTACTS_IN_SCOPE: dict[str, set[str]] = {  # whose contacts each scoped role sees
    "partner_manager": {"rabat0"},  # served by Atlas Contact's agents
    "supervisor": {"lille0"},  # served by the Lille team
    "supervisor_atlas": {"rabat0"},  # served by the Rabat team
    "agent": {"rabat0"},  # their own
    "partner_evaluator": set(),  # contacts are read in quality only
}
PRESENCE_WRITERS: dict[str, Callable[[World], set[int]]] = {  # whose presence each role sets
    "administrator": lambda w: {agent.pk for agent in w.agents.values()},
    "supervisor": lambda w: {w.agents["lille0"].pk, w.agents["lille1"].pk},
    "supervisor_atlas": lambda w: {w.agents["rabat0"].pk, w.agents["rabat1"].pk},
    "agent": lambda w: {w.agents["rabat0"].pk},
}


@pytest.fixture
def contacts(world: World) -> dict[str | None, int]:
    from relais.apps.interactions.models import Contact
    from tests.apps.routing.fixtures import orders_queue

    queue = orders_queue(world)
    made: dict[str | None, int] = {}
    for key in (*SERVED_BY, None):
        agent = world.agents[key] if key else None
        contact = Contact.objects.create(
            channel=queue.channel,
            queue=queue,
            priority=0,
            created_at=queue_time(),
            state="accepted" if agent else "queued",
            agent=agent,
            site_id=agent.site_id if agent else None,
            partner_id=agent.site.partner_id if agent else None,
        )
        made[key] = contact.pk
    return made


def queue_time() -> object:
    from django.utils import timezone

    return timezone.now()


@pytest.mark.parametrize("role", USERS)
def test_contacts_are_scoped(world: World, contacts: dict[str | None, int], role: str) -> None:
    client = logged_in(world.users[role])
    if role in EVERYTHING:
        visible = set(contacts.values())
    else:
        visible = {contacts[key] for key in CONTACTS_IN_SCOPE[role]}

    listed = client.get("/api/v1/contacts?limit=500").json()

    assert {item["id"] for item in listed["items"]} == visible
    for pk in contacts.values():
        response = client.get(f"/api/v1/contacts/{pk}")
        assert response.status_code == (200 if pk in visible else 404), (role, pk)
        events = client.get(f"/api/v1/contacts/{pk}/events")
        assert events.status_code == (200 if pk in visible else 404), (role, pk)
        for action in CONTACT_ACTIONS:  # only the holder completes, an integration abandons
            acted = client.post(f"/api/v1/contacts/{pk}/{action}", "{}", "application/json")
            allowed = (role, action, pk) in {
                (Role.ADMINISTRATOR, "abandon", contacts[None]),
                (Role.AGENT, "complete", contacts["rabat0"]),
            }
            refusals = {400, 403, 409} if pk in visible else {404}
            assert acted.status_code in ({200} if allowed else refusals), (role, action, pk)


#: Who may reveal a masked field of which contact (docs/privacy.md): the whole organisation's
#: roles any; a supervisor their teams'; agents and partner managers none.
UNMASKERS: dict[str, set[str]] = {"supervisor": {"lille0"}}


@pytest.mark.parametrize("role", ROLES)
def test_unmasking_is_for_supervisors_of_the_team_and_organisation_roles(
    world: World, contacts: dict[str | None, int], role: str
) -> None:
    client = logged_in(world.users[role])
    visible = (
        set(contacts.values())
        if role in EVERYTHING
        else {contacts[key] for key in CONTACTS_IN_SCOPE[role]}
    )
    allowed = (
        set(contacts.values())
        if role in EVERYTHING
        else {contacts[key] for key in UNMASKERS.get(role, set())}
    )
    body = json.dumps({"field": "name", "reason": "vérification"})
    for pk in contacts.values():
        response = client.post(f"/api/v1/contacts/{pk}/unmask", body, "application/json")
        expected_status = 200 if pk in allowed else 403 if pk in visible else 404
        assert response.status_code == expected_status, (role, pk)
    assert AuditEntry.objects.filter(action="contact.unmask").count() == len(allowed)


@pytest.mark.parametrize("role", [role for role in ROLES if role != Role.ADMINISTRATOR])
def test_only_administrators_create_contacts(world: World, role: str) -> None:
    from relais.apps.interactions.models import Contact
    from tests.apps.routing.fixtures import orders_queue

    orders_queue(world)
    client = logged_in(world.users[role])
    audit_before = AuditEntry.objects.count()

    response = client.post("/api/v1/contacts", {"queue": "orders"}, "application/json")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert Contact.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.parametrize("role", USERS)
def test_presence_is_read_in_scope_and_changed_by_self_supervisor_or_administrator(
    world: World, role: str
) -> None:
    client = logged_in(world.users[role])
    visible = expected(world, role, "agents")
    writers = PRESENCE_WRITERS.get(role, lambda w: set())(world)
    for agent in Agent.objects.all():
        read = client.get(f"/api/v1/agents/{agent.pk}/presence")
        assert read.status_code == (200 if agent.pk in visible else 404), (role, agent)
        changed = client.post(
            f"/api/v1/agents/{agent.pk}/presence", {"action": "login"}, "application/json"
        )
        if agent.pk in writers:
            assert changed.status_code == 200, (role, agent, changed.json())
            assert changed.json()["state"] == "available"
        else:
            assert changed.status_code == (403 if agent.pk in visible else 404), (role, agent)


@pytest.mark.parametrize("role", USERS)
def test_queues_are_read_by_everyone_and_their_status_counts_agents_in_scope(
    world: World, role: str
) -> None:
    from tests.apps.routing.fixtures import orders_queue

    queue = orders_queue(world)
    client = logged_in(world.users[role])

    listed = client.get("/api/v1/queues").json()
    status = client.get(f"/api/v1/queues/{queue.pk}/status").json()

    assert [item["code"] for item in listed["items"]] == ["orders"]
    assert client.get(f"/api/v1/queues/{queue.pk}").status_code == 200
    # every agent of the world has the orders skill at level 3: all may serve the queue
    assert sum(status["agents_by_state"].values()) == len(expected(world, role, "agents"))
    assert status["waiting"] == 0


# Simulation: directors, planners, administrators run; quality analysts read; a scenario
# holds every site, partner and headcount, and a run every partner's contract prices, so the
# roles with a partial scope (supervisors, at the client's sites or a partner's, partner
# managers, agents) find nothing (issues 15 and 21) --

SIMULATION_RUNNERS = {Role.ADMINISTRATOR, Role.DIRECTOR, Role.PLANNER}
SIMULATION_READERS = SIMULATION_RUNNERS | {Role.QUALITY_ANALYST}
COVERED_API |= {
    "api/v1/simulation/scenarios",
    "api/v1/simulation/scenarios/live",
    "api/v1/simulation/scenarios/<scenario_id>",
    "api/v1/simulation/scenarios/<scenario_id>/runs",
    "api/v1/simulation/comparisons",
    "api/v1/simulation/runs",
    "api/v1/simulation/runs/<run_id>",
}


@pytest.mark.parametrize("role", USERS)
def test_simulation_is_read_by_its_readers_and_written_by_its_runners(
    world: World, role: str
) -> None:
    from relais.apps.simulation.models import ResplitProposal, RunStatus, Scenario, SimulationRun
    from relais.apps.simulation.services import scenario_build_from_live
    from tests.apps.routing.fixtures import orders_queue

    orders_queue(world)
    scenario = scenario_build_from_live(actor=world.users["director"], name="Matrix")
    carpathia_price = {
        "group": "bucarest-1",
        "site": "bucarest",
        "per_hour": None,
        "per_handled": 1.85,
        "per_resolved": None,
        "resolved_share": None,
        "currency": "EUR",
        "origin": "contract",
        "reference": "CARP-PRICE v3",
    }
    cost = {"cost": {"mean": 12.5, "half_width": None, "n": 1}}
    done = SimulationRun.objects.create(
        scenario=scenario,
        scenario_toml=scenario.toml,
        replications=1,
        status=RunStatus.DONE,
        summary={
            "name": "Matrix",
            "replications": 1,
            "seed": 1,
            "views": [
                {"dimension": "total", "value": "", "metrics": cost},
                {"dimension": "partner", "value": "carpathia-cx", "metrics": cost},
            ],
            "prices": [carpathia_price],
        },
    )
    proposal = ResplitProposal.objects.create(
        scenario=scenario, queue="orders", scenario_toml=scenario.toml, replications=1
    )
    client = logged_in(world.users[role])
    reads = role_of(role) in SIMULATION_READERS
    writes = role_of(role) in SIMULATION_RUNNERS
    refused = 404 if not reads else 403
    audit_before = AuditEntry.objects.count()

    listed = client.get("/api/v1/simulation/scenarios")
    runs = client.get("/api/v1/simulation/runs")
    one = client.get(f"/api/v1/simulation/scenarios/{scenario.pk}")
    run = client.get(f"/api/v1/simulation/runs/{done.pk}")
    pages = [
        client.get(reverse("simulation:index")),
        client.get(reverse("simulation:scenario", args=[scenario.pk])),
        client.get(reverse("simulation:run", args=[done.pk])),
        client.get(reverse("simulation:run_status", args=[done.pk])),
        client.get(reverse("simulation:resplit", args=[proposal.pk])),
    ]
    resplit = client.post(
        reverse("simulation:resplit_create", args=[scenario.pk]), {"queue": "orders"}
    )
    created = client.post(
        "/api/v1/simulation/scenarios",
        json.dumps({"name": "Copy", "toml": scenario.toml}),
        content_type="application/json",
    )
    built = client.post(
        "/api/v1/simulation/scenarios/live", json.dumps({"name": "Live"}), "application/json"
    )
    compared = client.post(
        "/api/v1/simulation/comparisons",
        json.dumps({"first_run_id": done.pk, "second_run_id": done.pk}),
        content_type="application/json",
    )

    for response in (listed, runs, one, run, *pages):
        assert response.status_code == (200 if reads else 404), (role, response)
    if reads:
        assert listed.json()["count"] == 1
        assert [item["id"] for item in runs.json()["items"]] == [done.pk]
        assert run.json()["summary"]["prices"] == [carpathia_price]
        assert "CARP-PRICE v3" in pages[2].content.decode()
    else:
        for response in (listed, runs, one, run):
            assert response.json()["code"] == "not_found"
        for response in (*pages, run):
            assert "Bucarest" not in response.content.decode()  # nor any site of the scenario
            assert "CARP-PRICE" not in response.content.decode()  # nor another's prices
    assert created.status_code == (201 if writes else refused), role
    assert built.status_code == (201 if writes else refused), role
    assert compared.status_code == (202 if writes else refused), role
    assert resplit.status_code == (302 if writes else refused), role
    if not writes:
        assert ResplitProposal.objects.count() == 1
        assert Scenario.objects.count() == 1
        assert SimulationRun.objects.count() == 1
        assert AuditEntry.objects.count() == audit_before


# Planning (workforce management) --------------------------------------------------------------

COVERED_API |= {
    "api/v1/wfm/forecasts",
    "api/v1/wfm/forecasts/<run_id>",
    "api/v1/wfm/staffing-plans",
    "api/v1/wfm/staffing-plans/<plan_id>",
    "api/v1/wfm/schedules",
    "api/v1/wfm/schedules/<schedule_id>",
    "api/v1/wfm/schedules/<schedule_id>/adherence",
    "api/v1/wfm/schedule-solves/<solve_id>",
    "api/v1/wfm/my-shifts",
    "api/v1/wfm/sites/<site_id>/calendar",
}


# Sites whose plans each role reads, from the role definitions: planners, administrators,
# directors and quality analysts all; a partner manager their partner's; a supervisor their
# teams'; an agent none (only their own shifts).
PLANNING_SITES: dict[str, Callable[[World], set[int]]] = {
    "partner_manager": lambda w: {w.rabat.pk},
    "supervisor": lambda w: {w.lille.pk},
    "supervisor_atlas": lambda w: {w.rabat.pk},
    "agent": lambda w: set(),
    "partner_evaluator": lambda w: set(),
}
PLANNERS = {Role.ADMINISTRATOR, Role.DIRECTOR, Role.PLANNER, Role.PARTNER_MANAGER}


def planning_sites(world: World, role: str) -> set[int]:
    if role in EVERYTHING:
        return {world.lille.pk, world.rabat.pk, world.bucarest.pk, world.home.pk}
    return PLANNING_SITES[role](world)


@pytest.fixture
def plans(world: World) -> dict[int, dict]:
    from tests.apps.wfm.fixtures import planned_site

    return {site.pk: planned_site(world, site) for site in Site.objects.all()}


@pytest.mark.parametrize("role", USERS)
def test_planning_reads_are_scoped(world: World, plans: dict[int, dict], role: str) -> None:
    client = logged_in(world.users[role])
    visible = planning_sites(world, role)

    forecasts = client.get("/api/v1/wfm/forecasts?limit=500").json()
    staffing = client.get("/api/v1/wfm/staffing-plans?limit=500").json()

    assert {item["site_id"] for item in forecasts["items"]} == visible
    assert {item["site_id"] for item in staffing["items"]} == visible
    for site_id, made in plans.items():
        status = 200 if site_id in visible else 404
        run, plan, schedule = made["run"].pk, made["plan"].pk, made["schedule"].pk
        assert client.get(f"/api/v1/wfm/forecasts/{run}").status_code == status, (role, site_id)
        assert client.get(f"/api/v1/wfm/staffing-plans/{plan}").status_code == status
        assert client.get(f"/api/v1/wfm/sites/{site_id}/calendar").status_code == status
        assert client.get(reverse("wfm:forecast", args=[run])).status_code == status
        assert client.get(reverse("wfm:staffing", args=[plan])).status_code == status
        # an agent reads the schedule of their own site, where they have a shift
        own = role == Role.AGENT and site_id == world.rabat.pk
        sched_status = 200 if site_id in visible or own else 404
        for path in (
            f"/api/v1/wfm/schedules/{schedule}",
            f"/api/v1/wfm/schedules/{schedule}/adherence",
        ):
            assert client.get(path).status_code == sched_status, (role, path)
        assert client.get(reverse("wfm:schedule", args=[schedule])).status_code == sched_status


@pytest.mark.parametrize("role", USERS)
def test_schedule_solves_are_read_in_the_scope_of_their_sites(world: World, role: str) -> None:
    from relais.apps.wfm.models import ScheduleSolve
    from tests.apps.wfm.fixtures import WEEK

    client = logged_in(world.users[role])
    for site in (world.lille, world.rabat):
        solve = ScheduleSolve.objects.create(week_start=WEEK, max_seconds=2)
        solve.sites.set([site])

        read = client.get(f"/api/v1/wfm/schedule-solves/{solve.pk}")

        expected = 200 if site.pk in planning_sites(world, role) else 404
        assert read.status_code == expected, (role, site.name)


@pytest.mark.parametrize("role", USERS)
def test_shifts_are_scoped_and_agents_see_their_own(
    world: World, plans: dict[int, dict], role: str
) -> None:
    client = logged_in(world.users[role])
    rabat = plans[world.rabat.pk]["schedule"].pk

    listed = {item["id"] for item in client.get("/api/v1/wfm/schedules").json()}
    shifts = client.get(f"/api/v1/wfm/schedules/{rabat}")
    mine = client.get("/api/v1/wfm/my-shifts").json()

    expected_schedules = {plans[pk]["schedule"].pk for pk in planning_sites(world, role)}
    if role == Role.AGENT:
        expected_schedules = {rabat}  # rabat0 has the shift of the Rabat schedule
    assert listed == expected_schedules
    if shifts.status_code == 200:
        agents = {shift["agent_id"] for shift in shifts.json()["shifts"]}
        assert agents == {plans[world.rabat.pk]["shifts"][0].agent_id}
    own = [
        s.pk for made in plans.values() for s in made["shifts"] if s.agent.user == world.users[role]
    ]
    assert [shift["id"] for shift in mine] == own


@pytest.mark.parametrize("role", USERS)
def test_only_planning_roles_plan_and_only_their_sites(world: World, role: str) -> None:
    from relais.apps.wfm.models import ForecastRun, SiteCalendarOverride
    from tests.apps.wfm.fixtures import WEEK, history_csv, open_weekdays

    client = logged_in(world.users[role])
    visible = planning_sites(world, role)
    audit_before = AuditEntry.objects.count()
    created = 0
    for site in Site.objects.all():
        open_weekdays(site)
        body = {
            "site_id": site.pk,
            "queue": "orders",
            "history_csv": history_csv(site.time_zone),
            "horizon_start": WEEK.isoformat(),
            "methods": ["seasonal_naive"],
        }
        posted = client.post("/api/v1/wfm/forecasts", body, content_type="application/json")
        calendar = client.put(
            f"/api/v1/wfm/sites/{site.pk}/calendar",
            {"observes_ramadan": False},
            content_type="application/json",
        )
        allowed = 201 if role_of(role) in PLANNERS else 403
        expected = allowed if site.pk in visible else 404
        assert posted.status_code == expected, (role, site.name, posted.json())
        assert calendar.status_code == (200 if expected == 201 else expected)
        created += expected == 201
    assert ForecastRun.objects.count() == created
    assert SiteCalendarOverride.objects.count() == created
    if not created:
        assert AuditEntry.objects.count() == audit_before


@pytest.mark.parametrize("role", USERS)
def test_a_schedule_of_two_partners_shows_each_only_its_own_sites(world: World, role: str) -> None:
    """One schedule over Rabat (Atlas Contact) and Bucarest (Carpathia CX): each partner's
    supervisor and manager read their own site's shifts and coverage only (issue 15)."""
    from relais.apps.wfm.models import ScheduledShift
    from tests.apps.wfm.fixtures import planned_site

    made = planned_site(world, world.rabat)
    schedule, rabat_shift = made["schedule"], made["shifts"][0]
    schedule.sites.add(world.bucarest)
    ScheduledShift.objects.create(
        schedule=schedule,
        agent=world.agents["bucarest0"],
        site=world.bucarest,
        start=rabat_shift.start,
        end=rabat_shift.end,
    )
    client = logged_in(world.users[role])
    visible = planning_sites(world, role) & {world.rabat.pk, world.bucarest.pk}
    if role == Role.AGENT:
        visible = {world.rabat.pk}  # rabat0's own shift, on their own site

    read = client.get(f"/api/v1/wfm/schedules/{schedule.pk}")
    page = client.get(reverse("wfm:schedule", args=[schedule.pk]))

    if not visible:
        assert (read.status_code, page.status_code) == (404, 404), role
        return
    assert set(read.json()["site_ids"]) == visible, role
    shift_sites = {
        Agent.objects.get(pk=shift["agent_id"]).site_id for shift in read.json()["shifts"]
    }
    assert shift_sites == visible, role
    html = page.content.decode()
    for site in (world.rabat, world.bucarest):
        assert (site.name in html) == (site.pk in visible), (role, site.name)


#: Who reads the staffing requests: the client's roles every partner's, a partner manager its own.
REQUEST_READERS = {Role.ADMINISTRATOR, Role.DIRECTOR, Role.PLANNER}


@pytest.mark.parametrize("role", USERS)
def test_staffing_requests_are_scoped_to_the_partner(world: World, role: str) -> None:
    from django.utils import timezone

    from relais.apps.wfm.models import CommittedInterval, StaffingRequestVersion
    from relais.apps.wfm.staffing_requests import staffing_request_publish
    from tests.apps.wfm.staffing_request_data import nine, plan_for

    # given: a request to each partner for today, and a plan of Rabat not yet published
    today = timezone.localdate()
    planner = world.users["planner"]
    atlas = staffing_request_publish(actor=planner, plan=plan_for(world.rabat, today)).request
    carpathia = staffing_request_publish(actor=planner, plan=plan_for(world.bucarest, today))
    unpublished = plan_for(world.rabat, today, agents=(1, 1, 1))
    versions = StaffingRequestVersion.objects.count()
    client = logged_in(world.users[role])
    reads_all = role_of(role) in REQUEST_READERS
    manager = role == Role.PARTNER_MANAGER

    # when
    index = client.get(reverse("wfm:requests"))
    pages = {
        partner: (
            client.get(reverse("wfm:request", args=[request.pk])).status_code,
            client.get(reverse("wfm:request_version", args=[request.pk, 1])).status_code,
        )
        for partner, request in (("atlas", atlas), ("carpathia", carpathia.request))
    }
    commits = {
        partner: client.post(
            reverse("wfm:request_commit", args=[request.pk]),
            {f"commit-{nine(today).isoformat()}": "2"},
        ).status_code
        for partner, request in (("atlas", atlas), ("carpathia", carpathia.request))
    }
    published = client.post(reverse("wfm:staffing_publish", args=[unpublished.pk])).status_code

    # then: reads
    assert index.status_code == (200 if reads_all or manager else 404), role
    html = index.content.decode()
    assert ("Carpathia CX" in html) == reads_all, role
    assert ("Atlas Contact" in html) == (reads_all or manager), role
    assert pages["atlas"] == ((200, 200) if reads_all or manager else (404, 404)), role
    assert pages["carpathia"] == ((200, 200) if reads_all else (404, 404)), role
    # only Atlas's manager commits, for Atlas only; the client's roles are refused
    assert commits["atlas"] == (302 if manager else 403 if reads_all else 404), role
    assert commits["carpathia"] == (403 if reads_all else 404), role
    assert CommittedInterval.objects.count() == (1 if manager else 0), role
    # only the client's roles publish; others who read the plan are refused, others not found
    reads_plan = world.rabat.pk in planning_sites(world, role)
    assert published == (302 if reads_all else 403 if reads_plan else 404), role
    # (one version more: today was already frozen at D-1 by the first publication)
    assert StaffingRequestVersion.objects.count() == versions + (1 if reads_all else 0), role


@pytest.mark.parametrize("role", USERS)
def test_planning_page_lists_only_the_scope(world: World, role: str) -> None:
    client = logged_in(world.users[role])
    visible = planning_sites(world, role)

    response = client.get(reverse("wfm:planning"), follow=True)
    html = response.content.decode()

    if role == Role.AGENT:
        assert response.redirect_chain[-1][0] == reverse("wfm:my_schedule")
        return
    for site in Site.objects.all():
        assert (f"<td>{site.name}</td>" in html) == (site.pk in visible), (role, site.name)
    assert ('data-testid="forecast-form"' in html) == (role_of(role) in PLANNERS)


def test_anonymous_gets_401_on_planning_api_and_login_on_pages(world: World) -> None:
    from django.test import Client

    client = Client()
    assert client.get("/api/v1/wfm/forecasts").status_code == 401
    for name in ("wfm:planning", "wfm:my_schedule"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


# Supervision and reports --------------------------------------------------------------------

COVERED_API |= {
    "api/v1/supervision/live",
    "api/v1/supervision/agents/<agent_id>/state",
    "api/v1/supervision/overflow-steps/<step_id>/override",
    "api/v1/supervision/queues/<queue_id>/priority",
    "api/v1/supervision/broadcasts",
}
SUPERVISING = {*EVERYTHING, Role.PARTNER_MANAGER, Role.SUPERVISOR}  # every role but agents


@pytest.mark.parametrize("role", USERS)
def test_live_figures_show_only_the_agents_in_scope(world: World, role: str) -> None:
    from django.utils import timezone

    from relais.apps.interactions.models import ContactEvent, EventKind

    for agent in Agent.objects.all():  # everyone logged in: each appears if in scope
        ContactEvent.objects.create(
            at=timezone.now(), kind=EventKind.AGENT_LOGGED_IN, agent=agent, data={}
        )
    client = logged_in(world.users[role])

    response = client.get("/api/v1/supervision/live")
    page = client.get(reverse("supervision:wallboard"))
    reports = client.get(reverse("reporting:reports"))
    export = client.get(reverse("reporting:export", args=["csv"]))

    if role_of(role) not in SUPERVISING:
        assert response.status_code == 403
        assert (page.status_code, reports.status_code, export.status_code) == (404, 404, 404)
        return
    assert (page.status_code, reports.status_code, export.status_code) == (200, 200, 200)
    shown = {int(agent["key"]) for agent in response.json()["agents"]}
    assert shown == expected(world, role, "agents")


@pytest.mark.parametrize("role", USERS)
def test_reports_and_their_exports_show_only_the_sites_in_scope(world: World, role: str) -> None:
    """A partner's supervisor or manager reads no other partner's figures (issue 15)."""
    from django.utils import timezone

    from relais.apps.reporting.models import IntervalStat
    from tests.apps.reporting.reading import csv_rows
    from tests.apps.routing.fixtures import orders_queue

    queue = orders_queue(world)
    now = timezone.now()
    start = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    for agent in Agent.objects.select_related("site"):  # one answered contact each
        IntervalStat.objects.create(
            interval_start=start,
            queue=queue,
            channel=queue.channel,
            agent=agent,
            site=agent.site,
            site_kind=agent.site.kind,
            partner_id=agent.site.partner_id,
            team_id=agent.team_id,
            offered=1,
            answered=1,
            handled=1,
        )
    client = logged_in(world.users[role])

    export = client.get(reverse("reporting:export", args=["csv"]) + "?group_by=site")
    page = client.get(reverse("reporting:reports") + "?group_by=site")

    if role_of(role) not in SUPERVISING:
        assert (export.status_code, page.status_code) == (404, 404)
        return
    rows = csv_rows(export.content, separator=";")  # French, as the users here
    visible = Site.objects.filter(pk__in=expected(world, role, "sites"))
    assert {row["Site"] for row in rows} == {site.name for site in visible}, role
    assert sum(int(row["Répondus"]) for row in rows) == len(expected(world, role, "agents"))
    html = page.content.decode()
    for site in Site.objects.exclude(pk__in=expected(world, role, "sites")):
        assert site.name not in html, (role, site.name)


STEERING = {Role.ADMINISTRATOR, Role.DIRECTOR}  # queue priorities, overflow steps


@pytest.mark.parametrize("role", USERS)
def test_only_administrators_and_directors_steer_queues(world: World, role: str) -> None:
    """Issue 15, finding 3: a supervisor at an Atlas site closed the overflow step that
    sends traffic to Carpathia and changed any queue's priority. Queues move traffic
    between companies: organisation-wide roles steer them, by the API and the wallboard."""
    from relais.apps.routing.models import OverflowStep, Queue
    from tests.apps.routing.fixtures import orders_queue

    queue = orders_queue(world)
    carpathia = OverflowStep.objects.create(queue=queue, order=3, after_seconds=120)
    carpathia.partners.add(world.carpathia)
    client = logged_in(world.users[role])
    steers = role_of(role) in STEERING

    closed = client.post(
        f"/api/v1/supervision/overflow-steps/{carpathia.pk}/override",
        {"open": False, "reason": "matrix"},
        "application/json",
    )
    priority = client.post(
        f"/api/v1/supervision/queues/{queue.pk}/priority",
        {"priority": 3, "reason": "matrix"},
        "application/json",
    )
    opened_page = client.post(
        reverse("supervision:overflow", args=[carpathia.pk]), {"open": "open", "reason": "m"}
    )
    priority_page = client.post(
        reverse("supervision:priority", args=[queue.pk]), {"priority": "4", "reason": "m"}
    )
    wallboard = client.get(reverse("supervision:wallboard"))

    if steers:
        assert (closed.status_code, priority.status_code) == (200, 200)
    else:
        assert (closed.status_code, priority.status_code) == (403, 403), role
        code = "permission_denied" if role in NOT_SUPERVISING else "steering_not_allowed"
        assert closed.json()["code"] == priority.json()["code"] == code
    page_status = 404 if role in NOT_SUPERVISING else 302  # the wallboard shows the refusal
    assert (opened_page.status_code, priority_page.status_code) == (page_status, page_status)
    assert OverflowStep.objects.get(pk=carpathia.pk).override == ("open" if steers else "")
    assert Queue.objects.get(pk=queue.pk).priority == (4 if steers else 0)
    steering = ("routing.overflow_step_override", "routing.queue_priority")
    assert AuditEntry.objects.filter(action__in=steering).count() == (4 if steers else 0)
    if role != Role.AGENT:
        html = wallboard.content.decode()
        assert ('data-testid="step-orders-3"' in html) == steers, role


#: Whose state each user changes from the wallboard: the agents of their teams (supervisors),
#: every agent (administrators); directors, planners, quality analysts and partner managers
#: see agents but do not change their state (the interactions services' rule).
STATE_CHANGERS: dict[str, Callable[[World], set[int]]] = {
    "administrator": lambda w: {agent.pk for agent in w.agents.values()},
    "supervisor": lambda w: {w.agents["lille0"].pk, w.agents["lille1"].pk},
    "supervisor_atlas": lambda w: {w.agents["rabat0"].pk, w.agents["rabat1"].pk},
}


@pytest.mark.parametrize("role", USERS)
def test_supervisors_change_the_state_of_their_teams_agents_only(world: World, role: str) -> None:
    from relais.apps.interactions.models import AgentPresence

    client = logged_in(world.users[role])
    visible = expected(world, role, "agents")
    changers = STATE_CHANGERS.get(role, lambda w: set())(world)
    for agent in Agent.objects.all():
        api = client.post(
            f"/api/v1/supervision/agents/{agent.pk}/state",
            {"action": "login", "reason": "matrix"},
            "application/json",
        )
        page = client.post(
            reverse("supervision:agent_state", args=[agent.pk]),
            {"action": "break", "break_reason": "training", "reason": "matrix"},
        )
        state = AgentPresence.objects.filter(agent=agent).values_list("state", flat=True).first()
        if role in NOT_SUPERVISING:  # not a supervisor at all
            assert (api.status_code, page.status_code) == (403, 404), agent
        elif agent.pk in changers:
            assert (api.status_code, page.status_code) == (200, 302), agent
            assert state == "break"
        else:
            assert api.status_code == (403 if agent.pk in visible else 404), (role, agent)
            assert page.status_code == (302 if agent.pk in visible else 404), (role, agent)
        if agent.pk not in changers:
            assert state is None, (role, agent)
    audited = AuditEntry.objects.filter(action="supervision.agent_state").count()
    assert audited == 2 * len(changers)


@pytest.mark.parametrize("role", USERS)
def test_broadcasts_reach_only_targets_in_scope(world: World, role: str) -> None:
    """Supervisors broadcast to their teams; partner managers to their partner's teams,
    sites and the partner; directors and administrators anywhere."""
    from relais.apps.supervision.models import Broadcast

    client = logged_in(world.users[role])
    targets = [
        *(("team", "teams", team.pk) for team in Team.objects.all()),
        *(("site", "sites", site.pk) for site in Site.objects.all()),
        *(("partner", "partners", partner.pk) for partner in Partner.objects.all()),
    ]
    sent_count = 0
    for kind, resource, pk in targets:
        sent = client.post(
            "/api/v1/supervision/broadcasts",
            {"target_kind": kind, "target_id": pk, "message": "m", "reason": "r"},
            "application/json",
        )
        if role_of(role) in (Role.PLANNER, Role.QUALITY_ANALYST, *NOT_SUPERVISING):
            assert sent.status_code == 403, (role, kind, pk)
            continue
        kinds = {"team"} if role_of(role) == Role.SUPERVISOR else {"team", "site", "partner"}
        in_scope = kind in kinds and pk in expected(world, role, resource)
        assert sent.status_code == (200 if in_scope else 404), (role, kind, pk)
        sent_count += in_scope
        if not in_scope:
            assert sent.json()["code"] == "unknown_target"
    assert Broadcast.objects.count() == sent_count
    listed = client.get("/api/v1/supervision/broadcasts")
    if role_of(role) not in (Role.PLANNER, Role.QUALITY_ANALYST, *NOT_SUPERVISING):
        assert len(listed.json()) == sent_count


COACHING = {Role.ADMINISTRATOR, Role.DIRECTOR, Role.PARTNER_MANAGER, Role.SUPERVISOR}


@pytest.mark.parametrize("role", USERS)
def test_the_coaching_page_opens_only_for_agents_in_scope(world: World, role: str) -> None:
    client = logged_in(world.users[role])
    for agent in Agent.objects.all():
        page = client.get(reverse("supervision:coaching", args=[agent.pk]))
        in_scope = role_of(role) in COACHING and agent.pk in expected(world, role, "agents")
        assert page.status_code == (200 if in_scope else 404), (role, agent.pk)


def test_anonymous_is_sent_to_login_from_the_coaching_page(world: World) -> None:
    from django.test import Client

    agent = world.agents["lille0"]
    response = Client().get(reverse("supervision:coaching", args=[agent.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


#: The groups of the split queue (tests/apps/routing/split_fixtures.py) each role sees a line of:
#: the groups whose sites are in its scope.
SPLIT_LINES = {
    "partner_manager": ["Atlas Contact"],
    "supervisor": ["Lille"],
    "supervisor_atlas": ["Atlas Contact"],
}


@pytest.mark.parametrize("role", USERS)
def test_the_volume_split_page_shows_only_the_groups_in_scope(world: World, role: str) -> None:
    """A partner manager sees its own share line and target, no other partner's (issue 20)."""
    from django.utils import timezone

    from tests.apps.routing.split_fixtures import answered, split_queue

    queue = split_queue(world)
    for agent in Agent.objects.all():
        answered(queue, agent, timezone.now())
    page = logged_in(world.users[role]).get(reverse("supervision:volume_split"))

    if role_of(role) not in SUPERVISING:
        assert page.status_code == 404
        return
    assert page.status_code == 200
    html = page.content.decode()
    live = html.split('data-testid="split-live"', 1)[1].split("</table>", 1)[0]
    shown = [name for name in ("Atlas Contact", "Carpathia CX", "Lille") if f">{name}<" in live]
    everything = ["Atlas Contact", "Carpathia CX", "Lille"]
    assert shown == (everything if role_of(role) in EVERYTHING else SPLIT_LINES[role])
    for name in set(everything) - set(shown):
        assert name not in html, (role, name)


def test_anonymous_is_sent_to_login_from_the_volume_split_page(world: World) -> None:
    from django.test import Client

    response = Client().get(reverse("supervision:volume_split"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# Sourcing comparison and partners' reported figures (issue 21) ---------------------------------

COVERED_API |= {"api/v1/sourcing/reported-days"}
#: Who imports and reads reported figures: directors and administrators any partner's, a
#: partner manager its own (docs/sourcing.md).
REPORTED_IMPORTERS = {Role.ADMINISTRATOR, Role.DIRECTOR}
SOURCING_NAMES = ("Atlas Contact", "Carpathia CX", "Lille", "Domicile")


@pytest.mark.parametrize("role", USERS)
def test_the_sourcing_comparison_shows_a_partner_manager_only_its_own_line(
    world: World, role: str
) -> None:
    """The whole organisation's roles see every line, costs of the company's sites included; a
    partner manager only its own partner's (as on the volume split page); others nothing."""
    from django.utils import timezone

    from relais.apps.reporting.models import IntervalStat
    from relais.apps.sourcing.models import ImportChannel
    from relais.apps.sourcing.parsing import csv_rows
    from relais.apps.sourcing.services import reported_import
    from tests.apps.routing.fixtures import orders_queue

    queue = orders_queue(world)
    today = timezone.localdate()
    for agent in Agent.objects.select_related("site"):  # one handled contact each
        IntervalStat.objects.create(
            interval_start=timezone.now(),
            queue=queue,
            channel=queue.channel,
            agent=agent,
            site=agent.site,
            site_kind=agent.site.kind,
            partner_id=agent.site.partner_id,
            offered=1,
            answered=1,
            handled=1,
            talk_seconds=60.0,
        )
    figures = f"date;queue;offered;handled;abandoned\n{today.isoformat()};orders;5;5;0\n"
    reported_import(
        actor=None,
        partner=world.carpathia,
        rows=((line, (line, row)) for line, row in csv_rows(figures)),
        channel=ImportChannel.COMMAND,
    )
    client = logged_in(world.users[role])

    page = client.get(reverse("sourcing:compare") + f"?start={today}&end={today}")

    if role_of(role) in EVERYTHING:
        assert page.status_code == 200
        html = page.content.decode()
        assert all(name in html for name in ("Atlas Contact", "Carpathia CX")), role
        assert 'data-testid="reported-badge"' in html
        return
    if role == "partner_manager":
        assert page.status_code == 200
        html = page.content.decode()
        assert "Atlas Contact" in html
        for name in SOURCING_NAMES[1:]:
            assert name not in html, name
        return
    assert page.status_code == 404, role


@pytest.mark.parametrize("role", USERS)
def test_reported_figures_are_imported_and_read_by_the_partner_or_the_client_only(
    world: World, role: str
) -> None:
    from relais.apps.sourcing.models import ReportedDay
    from tests.apps.routing.fixtures import orders_queue

    orders_queue(world)
    client = logged_in(world.users[role])
    importer = role in REPORTED_IMPORTERS
    manager = role == Role.PARTNER_MANAGER
    audit_before = AuditEntry.objects.filter(action="sourcing.reported_import").count()
    rows = [{"date": "2026-11-02", "queue": "orders", "offered": 3, "handled": 3, "abandoned": 0}]

    posted = {
        name: client.post(
            "/api/v1/sourcing/reported-days",
            json.dumps({"partner_id": partner.pk, "rows": rows}),
            "application/json",
        ).status_code
        for name, partner in (("atlas", world.atlas), ("carpathia", world.carpathia))
    }
    listed = client.get("/api/v1/sourcing/reported-days")
    page = client.get(reverse("sourcing:reported"))
    uploaded = client.post(
        reverse("sourcing:reported"),
        {
            "partner": world.carpathia.pk,
            "tolerance": "0.1",
            "file": SimpleUploadedFile("c.csv", b"date;queue;offered;handled;abandoned\n"),
        },
    )

    if importer:
        assert posted == {"atlas": 201, "carpathia": 201}, role
        assert listed.json()["count"] == 2
        assert page.status_code == 200
        assert uploaded.status_code == 400  # an empty file: refused, but reached
    elif manager:
        assert posted == {"atlas": 201, "carpathia": 404}
        assert {item["partner_id"] for item in listed.json()["items"]} == {world.atlas.pk}
        assert page.status_code == 200
        assert "Carpathia CX" not in page.content.decode()
        assert uploaded.status_code == 400  # Carpathia is not a choice of the form
    else:
        assert posted == {"atlas": 403, "carpathia": 403}, role
        assert listed.status_code == 403
        assert (page.status_code, uploaded.status_code) == (404, 404)
    stored = ReportedDay.objects.values_list("partner__name", flat=True)
    expected_partners = {"Atlas Contact", "Carpathia CX"} if importer else set()
    if manager:
        expected_partners = {"Atlas Contact"}
    assert set(stored) == expected_partners, role
    audited = AuditEntry.objects.filter(action="sourcing.reported_import").count()
    assert audited - audit_before == len(expected_partners), role


def test_anonymous_is_sent_to_login_from_sourcing(world: World) -> None:
    from django.test import Client

    for name in ("sourcing:compare", "sourcing:reported"):
        response = Client().get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert Client().get("/api/v1/sourcing/reported-days").status_code == 401


WEBHOOK_PAGES = ["/admin/webhooks/webhooksubscription/", "/admin/webhooks/webhookdelivery/"]


@pytest.mark.parametrize("role", USERS)
@pytest.mark.parametrize("page", WEBHOOK_PAGES)
def test_only_administrators_manage_webhooks(world: World, role: str, page: str) -> None:
    """Webhook subscriptions (their signing secrets) and deliveries (their payloads): for
    administrators only, even a staff account of another role (issue 18)."""
    user = world.users[role] if role in world.users else world.users[role_of(role)]
    user.is_staff = True  # a staff account of any role: the role decides
    user.is_superuser = role == Role.ADMINISTRATOR  # Django's rights for administrators only
    user.save()
    answer = logged_in(user).get(page)
    if role == Role.ADMINISTRATOR:
        assert answer.status_code == 200
    else:
        assert answer.status_code in {302, 403}
        assert b"whsec_" not in answer.content


# Satisfaction league (issue 19) ---------------------------------------------------------------

#: Levels of the league each scoped role sees (site kinds mix partners: whole-organisation only).
LEAGUE_LEVELS: dict[str, dict[str, str]] = {  # level -> resource of the matrix
    "partner_manager": {"partner": "partners", "site": "sites", "team": "teams", "agent": "agents"},
    "supervisor": {"team": "teams", "agent": "agents"},
    "supervisor_atlas": {"team": "teams", "agent": "agents"},
    "agent": {"agent": "agents"},
}
LEAGUE_RESOURCES = {"partner": "partners", "site": "sites", "team": "teams", "agent": "agents"}
LEAGUE_LABELS: dict[str, Callable[[Any], str]] = {
    "partners": lambda obj: obj.name,
    "sites": lambda obj: obj.name,
    "teams": lambda obj: obj.name,
    "agents": lambda obj: obj.user.get_full_name() or obj.user.username,
}


def _league_row_labels(html: str) -> set[str]:
    import re

    return set(re.findall(r'data-testid="league-row">\s*<th scope="row">([^<]*)</th>', html))


@pytest.mark.parametrize("role", USERS)
def test_the_satisfaction_league_shows_only_the_groups_in_scope(world: World, role: str) -> None:
    from django.utils import timezone

    from relais.apps.satisfaction import services
    from relais.apps.satisfaction.models import Delivery, SurveyPolicy
    from relais.apps.satisfaction.schemas import AnswerIn
    from tests.apps.routing.fixtures import orders_queue
    from tests.apps.satisfaction.making import handled

    queue = orders_queue(world)
    SurveyPolicy.objects.create(queue=queue)
    for agent in Agent.objects.all():  # one answered survey each
        contact = handled(queue, [agent], at=timezone.now(), customer_key=f"id:{agent.pk}")
        invitation = services.survey_invite(contact=contact, delivery=Delivery.LINK)
        assert invitation is not None
        services.survey_answer(invitation=invitation, answer=AnswerIn(agent_csat=5, nps=9))
    client = logged_in(world.users[role])
    if role == "partner_evaluator":  # quality only (docs/quality.md): no league at all
        for level in LEAGUE_RESOURCES:
            page = client.get(reverse("satisfaction:league") + f"?level={level}")
            assert page.status_code == 404, level
        return
    scoped = role_of(role) not in EVERYTHING
    levels = LEAGUE_LEVELS[role] if scoped else LEAGUE_RESOURCES

    for level, resource in LEAGUE_RESOURCES.items():
        response = client.get(reverse("satisfaction:league") + f"?level={level}")
        assert response.status_code == 200, role
        html = response.content.decode()
        shown = _league_row_labels(html)
        if level not in levels:  # the page falls back to a level the viewer has
            assert f'<option value="{level}"' not in html, (role, level)
            continue
        visible = expected(world, role, resource)
        names = {
            LEAGUE_LABELS[resource](obj)
            for obj in MODELS[resource]._default_manager.filter(pk__in=visible)
        }
        assert shown == names, (role, level)
    partner_page = client.get(reverse("satisfaction:league") + "?level=partner").content.decode()
    assert ("Carpathia CX" in partner_page) == (not scoped), role  # reason mix, trend, rows


# Quality: evaluations, scoring, calibration, sampling, disputes, coaching --------------------

#: Whose evaluations each role reads (docs/quality.md, "Roles"): the whole organisation's roles
#: every agent's; a partner's manager and quality evaluator their partner's agents; a
#: supervisor their teams'; an agent their own.
QUALITY_READS: dict[str, set[str]] = {
    "partner_manager": {"rabat0"},
    "partner_evaluator": {"rabat0"},
    "supervisor": {"lille0"},
    "supervisor_atlas": {"rabat0"},
    "agent": {"rabat0"},
}
#: Whose contacts each role scores: quality analysts every agent's, a partner's evaluator
#: their partner's agents'; nobody else.
QUALITY_SCORES: dict[str, set[str]] = {
    "quality_analyst": {"lille0", "rabat0", "bucarest0"},
    "partner_evaluator": {"rabat0"},
}
EVALUATED = ("lille0", "rabat0", "bucarest0")


@pytest.fixture
def quality(world: World) -> Any:
    from relais.apps.quality import services
    from tests.apps.quality.fixtures import all_points, quality_world

    built = quality_world(world)
    built.evaluations = {
        key: services.evaluation_submit(
            actor=world.users["quality_analyst"],
            contact=built.contacts[key],
            version=built.version,
            points=all_points(built.version, 3),
        )
        for key in EVALUATED
    }
    built.session = services.calibration_create(
        actor=world.users["quality_analyst"],
        title="Calibration",
        version=built.version,
        contacts=[built.contacts["bucarest0"]],
        raters=[world.users["quality_analyst"], world.users["partner_evaluator"]],
    )
    return built


def _quality_reads(role: str) -> set[str]:
    return set(EVALUATED) if role in EVERYTHING else QUALITY_READS[role]


@pytest.mark.parametrize("role", USERS)
def test_evaluations_are_read_in_scope(world: World, quality: Any, role: str) -> None:
    client = logged_in(world.users[role])
    visible = _quality_reads(role)

    index = client.get(reverse("quality:index"), follow=True).content.decode()
    mine = client.get(reverse("quality:mine")).content.decode()

    for key in EVALUATED:
        evaluation = quality.evaluations[key]
        detail = client.get(reverse("quality:evaluation", args=[evaluation.pk]))
        assert detail.status_code == (200 if key in visible else 404), (role, key)
        name = world.agents[key].user.get_full_name()
        listed = reverse("quality:evaluation", args=[evaluation.pk])
        assert (listed in index) == (key in visible), (role, key)
        assert (listed in mine) == (role == Role.AGENT and key == "rabat0"), (role, key)
        assert name not in index or key in visible


@pytest.mark.parametrize("role", USERS)
def test_contacts_are_scored_only_by_evaluators_in_scope(
    world: World, quality: Any, role: str
) -> None:
    from relais.apps.quality.models import Evaluation
    from tests.apps.quality.fixtures import all_points

    client = logged_in(world.users[role])
    scores = QUALITY_SCORES.get(role, set())
    before = Evaluation.objects.count()
    audit_before = AuditEntry.objects.count()

    for key in EVALUATED:
        url = reverse("quality:evaluate", args=[quality.contacts[key].pk])
        page = client.get(url)
        posted = client.post(
            url, {f"criterion-{c}": p for c, p in all_points(quality.version, 2).items()}
        )
        assert page.status_code == (200 if key in scores else 404), (role, key)
        assert posted.status_code == (302 if key in scores else 404), (role, key)

    assert Evaluation.objects.count() == before + len(scores)
    # each evaluation written, and each transcript read in scope, is audited (issue 25)
    assert AuditEntry.objects.exclude(action="contact.view").count() == audit_before + len(scores)
    assert AuditEntry.objects.filter(action="contact.view").count() == len(scores)


@pytest.mark.parametrize("role", USERS)
def test_calibration_is_for_its_raters_and_the_analysts(
    world: World, quality: Any, role: str
) -> None:
    client = logged_in(world.users[role])
    session = quality.session
    rater = role in ("quality_analyst", "partner_evaluator")
    contact = quality.contacts["bucarest0"]  # outside the partner evaluator's scope: anonymised

    listed = client.get(reverse("quality:calibrations"))
    page = client.get(reverse("quality:calibration", args=[session.pk]))
    scoring = client.get(reverse("quality:calibration_score", args=[session.pk, contact.pk]))

    assert listed.status_code == (200 if rater else 404), role
    assert page.status_code == (200 if rater else 404), role
    assert scoring.status_code == (200 if rater else 404), role
    if rater:
        assert world.agents["bucarest0"].user.get_full_name() not in scoring.content.decode()


@pytest.mark.parametrize("role", USERS)
def test_evaluation_forms_are_written_by_analysts_only(
    world: World, quality: Any, role: str
) -> None:
    from relais.apps.quality.models import FormVersion

    client = logged_in(world.users[role])
    form = quality.version.form
    row = {"s0-title": "Accueil", "s0-weight": "1", "s0-c0-label": "Salue", "s0-c0-weight": "1"}
    row |= {"s0-c0-scale_max": "4", "s0-c0-soft_skill": "", "passing_score": "70", "save": "1"}

    new_page = client.get(reverse("quality:form_new"))
    edit_page = client.get(reverse("quality:form_edit", args=[form.pk]))
    created = client.post(reverse("quality:form_new"), {"name": "Nouvelle grille", **row})
    edited = client.post(reverse("quality:form_edit", args=[form.pk]), row)

    analyst = role == Role.QUALITY_ANALYST or world.users[role].is_superuser
    for response in (new_page, edit_page):
        assert response.status_code == (200 if analyst else 404), role
    assert created.status_code == edited.status_code == (302 if analyst else 404), role
    assert FormVersion.objects.filter(form=form).count() == (2 if analyst else 1)
    assert FormVersion.objects.filter(form__name="Nouvelle grille").exists() == analyst


@pytest.mark.parametrize("role", USERS)
def test_sampling_plans_are_drawn_by_analysts_only(world: World, quality: Any, role: str) -> None:
    from relais.apps.quality.models import SampleDraw, SamplingPlan

    client = logged_in(world.users[role])
    plan = SamplingPlan.objects.create(
        name="All",
        form=quality.version.form,
        per_agent=2,
        period="week",
        seed=1,
        created_at=quality.version.created_at,
    )
    evaluator = role in QUALITY_SCORES

    page = client.get(reverse("quality:plans"))
    created = client.post(
        reverse("quality:plans"),
        {
            "name": "New",
            "form": quality.version.form.pk,
            "per_agent": "3",
            "period": "week",
            "seed": "4",
        },
    )
    drawn = client.post(reverse("quality:plan_draw", args=[plan.pk]), {})

    assert page.status_code == (200 if evaluator else 404), role
    analyst = role == Role.QUALITY_ANALYST
    assert created.status_code == (302 if analyst else 403 if evaluator else 404), role
    assert drawn.status_code == (302 if analyst else 404), role  # Atlas's evaluator: not their plan
    assert SamplingPlan.objects.count() == (2 if analyst else 1)
    assert SampleDraw.objects.count() == (1 if analyst else 0)


@pytest.mark.parametrize("role", USERS)
def test_only_the_evaluated_agent_contests_and_analysts_decide(
    world: World, quality: Any, role: str
) -> None:
    from relais.apps.quality.models import Dispute, DisputeStatus

    client = logged_in(world.users[role])
    evaluation = quality.evaluations["rabat0"]
    visible = "rabat0" in _quality_reads(role)

    contested = client.post(
        reverse("quality:dispute_open", args=[evaluation.pk]), {"reason": "unfair"}
    )
    if role != Role.AGENT:
        Dispute.objects.get_or_create(
            evaluation=evaluation, defaults={"reason": "r", "opened_at": evaluation.submitted_at}
        )
    decided = client.post(
        reverse("quality:dispute_confirm", args=[evaluation.pk]), {"decision": "fair"}
    )

    assert contested.status_code == (302 if role == Role.AGENT else 403 if visible else 404), role
    assert decided.status_code == (
        302 if role == Role.QUALITY_ANALYST else 403 if visible else 404
    ), role
    status = Dispute.objects.get(evaluation=evaluation).status
    assert status == (
        DisputeStatus.CONFIRMED if role == Role.QUALITY_ANALYST else DisputeStatus.OPEN
    )


@pytest.mark.parametrize("role", USERS)
def test_coaching_plans_are_read_in_scope_and_written_by_evaluators(
    world: World, quality: Any, role: str
) -> None:
    from relais.apps.quality import services
    from relais.apps.quality.models import CoachingPlan

    client = logged_in(world.users[role])
    plans = {
        key: services.coaching_plan_create(
            actor=world.users["quality_analyst"], evaluation=quality.evaluations[key], goals="g"
        )
        for key in EVALUATED
    }
    visible = _quality_reads(role)
    scores = QUALITY_SCORES.get(role, set())

    for key, plan in plans.items():
        page = client.get(reverse("quality:coaching", args=[plan.pk]))
        created = client.post(
            reverse("quality:coaching_create", args=[quality.evaluations[key].pk]),
            {"goals": "more"},
        )
        assert page.status_code == (200 if key in visible else 404), (role, key)
        # seen but not theirs to coach: 403; not seen: 404
        expected_status = 302 if key in scores else 403 if key in visible else 404
        assert created.status_code == expected_status, (role, key)
    assert CoachingPlan.objects.count() == len(EVALUATED) + len(scores)


def test_anonymous_is_sent_to_login_from_quality_pages(world: World, quality: Any) -> None:
    from django.test import Client

    evaluation = quality.evaluations["rabat0"]
    for url in (
        reverse("quality:index"),
        reverse("quality:mine"),
        reverse("quality:forms"),
        reverse("quality:form_new"),
        reverse("quality:plans"),
        reverse("quality:calibrations"),
        reverse("quality:evaluation", args=[evaluation.pk]),
        reverse("quality:evaluate", args=[quality.contacts["rabat0"].pk]),
    ):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


# E-mail (docs/email.md): the conversation, its attachments and a reply, for the agent holding
# the contact only; every other role, whatever its scope, is refused and nothing is written.

EMAIL_PAGES = ("thread", "attachment", "reply")


@pytest.fixture
def mails(world: World, settings: Any, tmp_path: Any) -> dict[str, tuple[int, int]]:
    from django.utils import timezone

    from relais.apps.email.models import (
        MailAttachment,
        Mailbox,
        MailMessage,
        MailThread,
        SendState,
    )
    from relais.apps.email.storage import attachment_store
    from relais.apps.interactions.models import Contact
    from tests.apps.routing.fixtures import orders_queue

    settings.MAIL_DIR = tmp_path
    queue = orders_queue(world, code="courriel", channel="email")
    mailbox = Mailbox.objects.create(queue=queue, address="service@maison.example")
    made = {}
    for key in SERVED_BY:
        agent = world.agents[key]
        contact = Contact.objects.create(
            channel="email", queue=queue, priority=0, created_at=timezone.now(),
            state="accepted", agent=agent, site_id=agent.site_id,
            partner_id=agent.site.partner_id, attributes={"email": "jeanne@example.com"},
        )  # fmt: skip
        thread = MailThread.objects.create(
            mailbox=mailbox, customer_address="jeanne@example.com", contact=contact,
            created_at=timezone.now(),
        )  # fmt: skip
        message = MailMessage.objects.create(
            mailbox=mailbox, thread=thread, contact=contact, direction="inbound",
            message_id=f"<{key}@example.com>", from_address="jeanne@example.com",
            to_address=mailbox.address, html="<p>Bonjour</p>", state=SendState.RECEIVED,
            created_at=timezone.now(),
        )  # fmt: skip
        attachment = MailAttachment.objects.create(
            message=message, filename="a.pdf", content_type="application/pdf", size=4,
            stored_as=attachment_store(b"%PDF"),
        )  # fmt: skip
        made[key] = (contact.pk, attachment.pk)
    return made


@pytest.mark.parametrize("role", USERS)
def test_email_is_read_and_answered_only_by_the_agent_holding_it(
    world: World, mails: dict[str, tuple[int, int]], role: str
) -> None:
    client = logged_in(world.users[role])
    own = {"agent": "rabat0"}.get(role)
    for key, (contact_id, attachment_id) in mails.items():
        audit_before = AuditEntry.objects.count()
        mine = key == own
        thread = client.get(reverse("email:thread", args=[contact_id]))
        attachment = client.get(reverse("email:attachment", args=[contact_id, attachment_id]))
        reply = client.post(reverse("email:reply", args=[contact_id]), {"html": "<p>Voici</p>"})

        assert thread.status_code == (200 if mine else 403), (role, key)
        assert attachment.status_code == (200 if mine else 403), (role, key)
        assert reply.status_code == (201 if mine else 403), (role, key)
        assert AuditEntry.objects.count() == audit_before + (1 if mine else 0)
        if not mine:
            assert thread.json()["code"] == "not_your_contact"


def test_anonymous_is_sent_to_login_from_email(world: World, mails: dict) -> None:
    from django.test import Client

    contact_id, attachment_id = mails["lille0"]
    for url in (
        reverse("email:thread", args=[contact_id]),
        reverse("email:attachment", args=[contact_id, attachment_id]),
    ):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


# Knowledge and self-service (issue 22, docs/knowledge.md): each role reads the articles of its
# audiences only (pages, search, the desktop panel, images); only writers write, only
# administrators and directors publish; the help centre is public and shows public articles
# only; deflection figures are the company's (whole-organisation roles).

KNOWLEDGE_READS = {
    "administrator": {"public", "agents", "internal", "atlas", "carpathia"},
    "director": {"public", "agents", "internal", "atlas", "carpathia"},
    "quality_analyst": {"public", "agents", "internal", "atlas", "carpathia"},
    "planner": {"public", "agents", "internal", "atlas", "carpathia"},
    "partner_manager": {"public", "agents", "atlas"},
    "partner_evaluator": {"public", "agents", "atlas"},
    "supervisor": {"public", "agents", "internal"},
    "supervisor_atlas": {"public", "agents", "atlas"},
    "agent": {"public", "agents", "atlas"},
}
KNOWLEDGE_WRITERS = {"administrator", "director", "quality_analyst"}
KNOWLEDGE_PUBLISHERS = {"administrator", "director"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture
def knowledge(world: World) -> dict[str, Any]:
    from relais.apps.knowledge import services
    from relais.apps.knowledge.services import ArticleFields

    director = world.users["director"]
    audiences = {
        "public": {"audience": "public"},
        "agents": {"audience": "agents"},
        "internal": {"audience": "internal"},
        "atlas": {"audience": "agents", "partner_id": world.atlas.pk},
        "carpathia": {"audience": "agents", "partner_id": world.carpathia.pk},
    }
    made: dict[str, Any] = {}
    for key, fields in audiences.items():
        article = services.article_create(
            actor=director,
            fields=ArticleFields(
                title=f"Procédure lampadaire {key}", body=f"Texte {key}",
                reviewer_ids=(director.pk,), **fields,
            ),
        )  # fmt: skip
        services.article_submit(actor=director, article=article)
        services.article_approve(actor=director, article=article)
        services.article_publish(actor=director, article=article)
        image = services.image_upload(actor=director, article=article, name="a.png", data=PNG)
        made[key] = (article, image)
    return made


@pytest.mark.parametrize("role", USERS)
def test_knowledge_pages_search_panel_and_images_are_scoped(
    world: World, knowledge: dict[str, Any], role: str
) -> None:
    client = logged_in(world.users[role])
    readable = KNOWLEDGE_READS[role]

    listing = client.get(reverse("knowledge:index")).content.decode()
    found = client.get(reverse("knowledge:panel_search") + "?q=lampadaire").json()["articles"]

    assert {a["id"] for a in found} == {knowledge[k][0].pk for k in readable}, role
    for key, (article, image) in knowledge.items():
        status = 200 if key in readable else 404
        assert (f"Procédure lampadaire {key}<" in listing) == (key in readable), (role, key)
        assert client.get(reverse("knowledge:article", args=[article.pk])).status_code == status
        assert (
            client.get(reverse("knowledge:panel_article", args=[article.pk])).status_code == status
        )
        assert client.get(reverse("knowledge:compare", args=[article.pk])).status_code == status
        assert client.get(reverse("knowledge:image", args=[image.pk])).status_code == status


@pytest.mark.parametrize("role", USERS)
def test_only_writers_write_and_only_directors_and_administrators_publish(
    world: World, knowledge: dict[str, Any], role: str
) -> None:
    from relais.apps.knowledge.models import Article, ArticleVersion

    client = logged_in(world.users[role])
    article, _ = knowledge["agents"]
    articles_before, versions_before = Article.objects.count(), ArticleVersion.objects.count()
    audit_before = AuditEntry.objects.count()
    body = {"title": "Nouvelle", "body": "x", "kind": "answer", "audience": "agents",
            "language": "fr"}  # fmt: skip

    created = client.post(reverse("knowledge:create"), body)
    edited = client.post(reverse("knowledge:edit", args=[article.pk]), body)
    upload = client.post(
        reverse("knowledge:image_upload", args=[article.pk]),
        {"image": SimpleUploadedFile("a.png", PNG, content_type="image/png")},
    )
    if role in KNOWLEDGE_WRITERS:  # back in review, approved by this role alone
        article.reviewers.set([world.users[role]])  # the edit named nobody
        client.post(reverse("knowledge:step", args=[article.pk, "submit"]))
        client.post(reverse("knowledge:step", args=[article.pk, "approve"]))
    published = client.post(reverse("knowledge:step", args=[article.pk, "publish"]))

    writer, publisher = role in KNOWLEDGE_WRITERS, role in KNOWLEDGE_PUBLISHERS
    assert created.status_code == (302 if writer else 403), role
    assert edited.status_code == (302 if writer else 403), role
    assert upload.status_code == (201 if writer else 403), role
    assert published.status_code == (302 if publisher else 403), role
    assert Article.objects.count() == articles_before + (1 if writer else 0)
    assert ArticleVersion.objects.count() == versions_before + (1 if publisher else 0), role
    assert (AuditEntry.objects.count() > audit_before) == writer, role


@pytest.mark.parametrize("role", USERS)
def test_the_knowledge_panel_serves_only_the_agent_holding_the_contact(
    world: World, knowledge: dict[str, Any], role: str
) -> None:
    from django.utils import timezone

    from relais.apps.interactions.models import Contact
    from relais.apps.knowledge.models import ArticleUse
    from tests.apps.routing.fixtures import orders_queue

    holder = world.agents["rabat0"]
    contact = Contact.objects.create(
        channel="chat", queue=orders_queue(world), priority=0, created_at=timezone.now(),
        state="accepted", agent=holder, site_id=holder.site_id, partner_id=world.atlas.pk,
    )  # fmt: skip
    client = logged_in(world.users[role])
    mine = role == "agent"

    suggestions = client.get(reverse("knowledge:panel_suggestions", args=[contact.pk]))
    use = client.post(
        reverse("knowledge:panel_use"),
        json.dumps({"article": knowledge["public"][0].pk, "contact": contact.pk, "kind": "link"}),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )

    assert suggestions.status_code == (200 if mine else 403), role
    assert use.status_code == (201 if mine else 403), role
    assert ArticleUse.objects.filter(contact=contact).count() == (1 if mine else 0)


@pytest.mark.parametrize("role", USERS)
def test_deflection_figures_are_for_whole_organisation_roles(world: World, role: str) -> None:
    response = logged_in(world.users[role]).get(reverse("reporting:deflection"))

    assert response.status_code == (200 if role_of(role) in EVERYTHING else 404), role


def test_the_help_centre_is_public_and_shows_public_articles_only(
    world: World, knowledge: dict[str, Any]
) -> None:
    from django.test import Client

    anonymous = Client()
    index = anonymous.get(reverse("help:index") + "?lang=fr").content.decode()

    for key, (article, image) in knowledge.items():
        public = key == "public"
        assert (f"Procédure lampadaire {key}<" in index) == public, key
        page = anonymous.get(reverse("help:article", args=[article.slug]))
        assert page.status_code == (200 if public else 404), key
        assert anonymous.get(reverse("knowledge:image", args=[image.pk])).status_code == (
            200 if public else 404
        ), key
    for name in ("knowledge:index", "knowledge:create", "reporting:deflection"):
        response = anonymous.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


# Briefings ------------------------------------------------------------------------------------

BRIEFING_PUBLISHERS = {Role.ADMINISTRATOR, Role.DIRECTOR, Role.SUPERVISOR}
BRIEFING_FOLLOWERS = {*EVERYTHING, Role.PARTNER_MANAGER, Role.SUPERVISOR}


@pytest.mark.parametrize("role", USERS)
def test_briefings_are_followed_in_scope_and_acknowledged_by_their_agent(
    world: World, role: str
) -> None:
    """A briefing for every agent: each follower sees the acknowledgements of the sites in
    their scope only; publishers write; the agent reads and acknowledges their own."""
    from relais.apps.briefings.services import publish_briefing
    from tests.apps.briefings.conftest import commandes_queue

    briefing = publish_briefing(
        author=world.users["director"],
        title="Retours à 60 jours",
        summary="Les retours sont acceptés 60 jours.",
        queues=[commandes_queue(world)],
    )
    client = logged_in(world.users[role])
    follows = role_of(role) in BRIEFING_FOLLOWERS
    listing = client.get(reverse("briefings:list"))
    new = client.get(reverse("briefings:new"))
    detail = client.get(reverse("briefings:detail", args=[briefing.pk]))
    progress = client.get(reverse("briefings:progress", args=[briefing.pk]))
    desk = client.get(reverse("briefings:desk"))

    assert listing.status_code == (200 if follows else 403), role
    assert new.status_code == (200 if role_of(role) in BRIEFING_PUBLISHERS else 403), role
    assert detail.status_code == (200 if follows else 403 if role == "agent" else 404), role
    assert progress.status_code == detail.status_code, role
    if follows:
        html = progress.content.decode()
        visible = expected(world, role, "sites")
        for site in Site.objects.all():
            assert (f">{site.name}<" in html) == (site.pk in visible), (role, site.name)
    assert desk.status_code == (200 if role == "agent" else 404), role
    audit_before = AuditEntry.objects.count()
    acknowledged = client.post(reverse("briefings:acknowledge", args=[briefing.pk]))
    assert acknowledged.status_code == (200 if role == "agent" else 404), role
    assert AuditEntry.objects.count() == audit_before + (1 if role == "agent" else 0)


def test_anonymous_is_sent_to_login_from_briefings(world: World) -> None:
    from django.test import Client

    for url in (reverse("briefings:list"), reverse("briefings:new"), reverse("briefings:desk")):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


# Compliance: the audit log, customers' personal data, retention (issue 25) --------------------

COMPLIANCE_PAGES = ["compliance:audit_log", "compliance:customer", "compliance:retention"]


@pytest.mark.parametrize("role", USERS)
def test_only_administrators_reach_the_audit_log_and_personal_data(world: World, role: str) -> None:
    """The audit log (and its CSV), a customer's data (export, erasure) and retention: for
    administrators only; anyone else gets 404 and changes nothing, and the anonymous sign in."""
    from django.test import Client

    client = logged_in(world.users[role])
    administrator = role == Role.ADMINISTRATOR
    for name in COMPLIANCE_PAGES:
        assert client.get(reverse(name)).status_code == (200 if administrator else 404), name
        anonymous = Client().get(reverse(name))
        assert anonymous.status_code == 302
    csv = client.get(reverse("compliance:audit_log") + "?format=csv")
    assert csv.status_code == (200 if administrator else 404)
    if administrator:
        assert csv.content.decode().startswith("id,at,actor,action")
    audit_before = AuditEntry.objects.filter(action__startswith="customer.").count()
    for action in ("export", "erase"):
        answer = client.post(
            reverse("compliance:customer"),
            {
                "customer": "nobody@example.com",
                "reason": "x",
                "confirm": "nobody@example.com",
                "action": action,
            },
        )
        assert answer.status_code == 404  # unknown customer for the administrator, page for others
    assert client.post(reverse("compliance:retention")).status_code == (
        302 if administrator else 404
    )
    assert client.post(reverse("compliance:audit_verify")).status_code == (
        302 if administrator else 404
    )
    assert AuditEntry.objects.filter(action__startswith="customer.").count() == audit_before


# --- operations: health and metrics (docs/operations.md) --------------------------------------
# Anonymous by design (load balancers, Prometheus), kept off the public address by the proxy;
# they name no person, contact, partner or figure of a team, only totals by state. With
# RELAIS_METRICS_TOKEN, /metrics answers only to that token: a session grants nothing.


@pytest.mark.parametrize("role", [None, *USERS])
def test_health_answers_everyone_the_same_and_names_nobody(world: World, role: str | None) -> None:
    from django.test import Client

    client = Client() if role is None else logged_in(world.users[role])
    audit_before = AuditEntry.objects.count()

    ready = client.get(reverse("operations:health_ready"))
    live = client.get(reverse("operations:health_live"))

    assert ready.status_code == 200
    assert set(ready.json()) == {"status", "process", "checks"}
    assert set(ready.json()["checks"]) == {"database", "channel_layer"}
    assert live.status_code == 200
    assert client.post(reverse("operations:health_ready")).status_code == 405
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.parametrize("role", [None, *USERS])
def test_metrics_with_a_token_answer_only_to_the_token(
    world: World, role: str | None, settings: Any
) -> None:
    from django.test import Client

    settings.METRICS_TOKEN = "metrics-token-for-the-matrix"
    client = Client() if role is None else logged_in(world.users[role])

    refused = client.get(reverse("operations:metrics"))
    scraped = Client().get(
        reverse("operations:metrics"), HTTP_AUTHORIZATION=f"Bearer {settings.METRICS_TOKEN}"
    )

    assert refused.status_code == 401
    assert scraped.status_code == 200
    assert b"relais_contacts" in scraped.content
    assert world.agents["rabat0"].user.username.encode() not in scraped.content


# Crisis modes ---------------------------------------------------------------------------------

CRISIS_SWITCHERS = {Role.ADMINISTRATOR, Role.DIRECTOR}
CRISIS_WATCHERS = {*CRISIS_SWITCHERS, Role.SUPERVISOR, Role.PARTNER_MANAGER}


@pytest.mark.parametrize("role", USERS)
def test_crisis_modes_are_switched_by_directors_and_watched_by_supervisors(
    world: World, role: str
) -> None:
    """Directors and administrators see every prepared mode and switch them (audited);
    supervisors and partner managers see only whether one is on; everyone else is refused."""
    from relais.apps.crisis.models import CrisisMode
    from relais.apps.crisis.services import crisis_mode_switch_on
    from tests.apps.crisis.fixtures import prepared_mode

    mode = prepared_mode(world)
    idle = CrisisMode.objects.create(
        name="Grève des transporteurs",
        widget_message_fr="Grève",
        widget_message_en="Strike",
        briefing_text="Grève",
    )
    crisis_mode_switch_on(actor=world.users["director"], mode=mode, reason="Rappel produit")
    client = logged_in(world.users[role])
    page = client.get(reverse("crisis:index"))
    watches = role_of(role) in CRISIS_WATCHERS
    switches = role_of(role) in CRISIS_SWITCHERS
    assert page.status_code == (200 if watches else 403), role
    if watches:
        html = page.content.decode()
        assert "Rappel produit T-800" in html, role
        assert (idle.name in html) == switches, role
    audit_before = AuditEntry.objects.count()
    switched = client.post(
        reverse("crisis:switch", args=[mode.pk]), {"state": "off", "reason": "Fin"}
    )
    assert switched.status_code == (302 if switches else 403), role
    mode.refresh_from_db()
    assert mode.on == (not switches), role
    assert AuditEntry.objects.count() == audit_before + (1 if switches else 0), role


def test_anonymous_is_sent_to_login_from_crisis(world: World) -> None:
    from django.test import Client

    response = Client().get(reverse("crisis:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


STATEMENT_BILLERS = {Role.ADMINISTRATOR, Role.DIRECTOR}


@pytest.mark.parametrize("role", USERS)
def test_statements_are_billed_by_directors_and_seen_by_their_partner_only(
    world: World, role: str
) -> None:
    """Directors and administrators see every statement and compute, issue and decide;
    Atlas's manager sees and disputes only Atlas's issued statements (another partner's is
    not found), never a draft; everyone else is refused every page and action."""
    from django.core.files.uploadedfile import SimpleUploadedFile as Upload

    from relais.apps.contracts.models import Dispute, Statement
    from relais.apps.contracts.services import dispute_open
    from tests.apps.contracts.fixtures import issued_statement

    atlas = issued_statement(world.atlas, "ATLAS")
    carpathia = issued_statement(world.carpathia, "CARPATHIA")
    atlas_line, carpathia_line = atlas.lines.get(), carpathia.lines.get()
    dispute = dispute_open(
        actor=world.users["partner_manager"],
        line=atlas_line,
        comment="Heures manquantes",
        files=[Upload("preuve.pdf", b"%PDF-1.4 preuve", content_type="application/pdf")],
    )
    attachment = dispute.attachments.get()
    client = logged_in(world.users[role])
    bills = role_of(role) in STATEMENT_BILLERS
    manager = role == Role.PARTNER_MANAGER
    refused = 403
    own = 200 if bills or manager else refused
    other = 200 if bills else (404 if manager else refused)
    pages = {
        reverse("contracts:index"): own,
        reverse("contracts:statement", args=[atlas.pk]): own,
        reverse("contracts:line", args=[atlas_line.pk]): own,
        reverse("contracts:xlsx", args=[atlas.pk]): own,
        reverse("contracts:pdf", args=[atlas.pk]): own,
        reverse("contracts:attachment", args=[attachment.pk]): own,
        reverse("contracts:statement", args=[carpathia.pk]): other,
        reverse("contracts:line", args=[carpathia_line.pk]): other,
        reverse("contracts:xlsx", args=[carpathia.pk]): other,
        reverse("contracts:pdf", args=[carpathia.pk]): other,
    }
    for url, status in pages.items():
        assert client.get(url).status_code == status, (role, url)
    if manager:
        index = client.get(reverse("contracts:index")).content.decode()
        assert "Atlas Contact" in index
        assert "Carpathia CX" not in index
    audit_before = AuditEntry.objects.count()
    # disputing: Atlas's manager on Atlas's line only
    sent = client.post(reverse("contracts:dispute", args=[carpathia_line.pk]), {"comment": "x"})
    assert sent.status_code == (404 if manager else refused if not bills else 403), role
    assert not Dispute.objects.filter(line=carpathia_line).exists()
    sent = client.post(reverse("contracts:dispute", args=[atlas_line.pk]), {"comment": "encore"})
    assert sent.status_code == (302 if manager else refused), role
    # deciding, issuing and computing: billers only
    decided = client.post(
        reverse("contracts:decide", args=[dispute.pk]), {"decision": "reject", "comment": "non"}
    )
    assert decided.status_code == (302 if bills else refused), role
    draft = Statement.objects.filter(pk=carpathia.pk)
    draft.update(state="draft")
    issued = client.post(reverse("contracts:issue", args=[carpathia.pk]))
    assert issued.status_code == (302 if bills else refused), role
    computed = client.post(
        reverse("contracts:compute"), {"contract": carpathia.contract_id, "month": "2999-01"}
    )
    assert computed.status_code == (400 if bills else refused), role
    written = 1 if manager else 2 if bills else 0  # a dispute; or a decision and an issue
    assert AuditEntry.objects.count() == audit_before + written, role


def test_anonymous_is_sent_to_login_from_statements(world: World) -> None:
    from django.test import Client

    response = Client().get(reverse("contracts:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
