"""The organisation API: administrators write; bad input is refused and changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import serializers
from django.test import Client

from relais.apps.audit.models import AuditEntry
from relais.apps.organisation.models import (
    Agent,
    AgentSkill,
    OpeningHours,
    Partner,
    Site,
    Skill,
    Team,
)
from tests.apps.conftest import World, logged_in


def send(client: Client, method: str, url: str, body: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return getattr(client, method)(url, data, content_type="application/json")


def snapshot() -> str:
    """Every organisation row and audit entry, serialised: equal snapshots mean nothing changed."""
    rows = []
    for model in (Partner, Site, OpeningHours, Team, Skill, Agent, AgentSkill, AuditEntry):
        rows.append(serializers.serialize("json", model._default_manager.order_by("pk")))
    return "".join(rows)


def test_administrator_creates_a_site_with_opening_hours_and_it_is_audited(world: World) -> None:
    client = logged_in(world.users["administrator"])
    body = {
        "name": "Tunis",
        "kind": "offshore",
        "country": "TN",
        "time_zone": "Africa/Tunis",
        "partner_id": world.atlas.pk,
        "opening_hours": [{"weekday": 0, "opens_at": "09:00", "closes_at": "18:00"}],
    }

    response = send(client, "post", "/api/v1/sites", body)

    assert response.status_code == 201, response.content
    site = Site.objects.get(name="Tunis")
    assert response.json()["opening_hours"] == [
        {"weekday": 0, "opens_at": "09:00:00", "closes_at": "18:00:00"}
    ]
    entry = AuditEntry.objects.get(action="site.create", object_id=str(site.pk))
    assert entry.actor == world.users["administrator"]
    assert (
        entry.changes["time_zone"] == [None, "Africa/Tunis"]
        or entry.changes["time_zone"][1] == "Africa/Tunis"
    )


def test_administrator_creates_an_agent_with_skills(world: World) -> None:
    client = logged_in(world.users["administrator"])
    body = {
        "username": "ines.haddad",
        "first_name": "Inès",
        "last_name": "Haddad",
        "site_id": world.rabat.pk,
        "team_id": world.teams["rabat"].pk,
        "capacity_chat": 3,
        "skills": [{"code": "orders", "level": 4}, {"code": "fr", "level": 5}],
    }

    response = send(client, "post", "/api/v1/agents", body)

    assert response.status_code == 201, response.content
    payload = response.json()
    assert payload["employment"] == "partner"
    assert payload["partner_id"] == world.atlas.pk
    assert payload["languages"] == ["fr"]
    assert {s["code"]: s["level"] for s in payload["skills"]} == {"orders": 4, "fr": 5}


def test_an_update_that_changes_nothing_leaves_no_audit_entry(world: World) -> None:
    client = logged_in(world.users["administrator"])
    before = AuditEntry.objects.count()

    response = send(
        client, "patch", f"/api/v1/partners/{world.atlas.pk}", {"name": "Atlas Contact"}
    )

    assert response.status_code == 200
    assert AuditEntry.objects.count() == before


def test_patch_changes_only_the_given_fields(world: World) -> None:
    client = logged_in(world.users["administrator"])
    agent = world.agents["lille0"]

    response = send(client, "patch", f"/api/v1/agents/{agent.pk}", {"capacity_chat": 5})

    assert response.status_code == 200
    agent.refresh_from_db()
    assert (agent.capacity_chat, agent.capacity_voice, agent.team_id) == (
        5,
        1,
        world.teams["lille"].pk,
    )
    entry = AuditEntry.objects.get(action="agent.update", object_id=str(agent.pk))
    assert entry.changes == {"capacity_chat": [3, 5]}


BAD_WRITES = [
    # (method, url template, body, status, code)
    (
        "post",
        "/api/v1/sites",
        {"name": "X", "kind": "offshore", "country": "MA", "time_zone": "Africa/Atlantis"},
        400,
        "unknown_time_zone",
    ),
    (
        "post",
        "/api/v1/sites",
        {"name": "X", "kind": "offshore", "country": "ZZ", "time_zone": "Africa/Tunis"},
        400,
        "unknown_country",
    ),
    (
        "post",
        "/api/v1/sites",
        {"name": "X", "kind": "moonshore", "country": "MA", "time_zone": "Africa/Tunis"},
        400,
        "invalid_input",
    ),
    (
        "post",
        "/api/v1/sites",
        {
            "name": "X",
            "kind": "inshore",
            "country": "FR",
            "time_zone": "Europe/Paris",
            "partner_id": "{atlas}",
        },
        400,
        "inshore_site_with_partner",
    ),
    (
        "post",
        "/api/v1/sites",
        {
            "name": "X",
            "kind": "offshore",
            "country": "MA",
            "time_zone": "Africa/Casablanca",
            "opening_hours": [{"weekday": 0, "opens_at": "18:00", "closes_at": "09:00"}],
        },
        400,
        "invalid_opening_hours",
    ),
    (
        "post",
        "/api/v1/sites",
        {"name": "Lille", "kind": "inshore", "country": "FR", "time_zone": "Europe/Paris"},
        409,
        "name_taken",
    ),
    (
        "patch",
        "/api/v1/sites/{rabat}",
        {"time_zone": "Mars/Olympus_Mons"},
        400,
        "unknown_time_zone",
    ),
    ("post", "/api/v1/partners", {"name": "N" * 500, "country": "TN"}, 400, "invalid_input"),
    ("post", "/api/v1/partners", '{"name": "Broken", "country": ', 400, "malformed_json"),
    ("post", "/api/v1/partners", "[1, 2, 3]", 400, "invalid_input"),
    ("patch", "/api/v1/partners/{atlas}", {"country": "XX"}, 400, "unknown_country"),
    ("patch", "/api/v1/agents/{lille0}", {"capacity_chat": -1}, 400, "invalid_capacity"),
    ("patch", "/api/v1/agents/{lille0}", {"capacity_email": 999}, 400, "invalid_capacity"),
    (
        "patch",
        "/api/v1/agents/{lille0}",
        {"skills": [{"code": "orders", "level": 9}]},
        400,
        "invalid_skill_level",
    ),
    (
        "patch",
        "/api/v1/agents/{lille0}",
        {"skills": [{"code": "orders", "level": 0}]},
        400,
        "invalid_skill_level",
    ),
    (
        "patch",
        "/api/v1/agents/{lille0}",
        {"skills": [{"code": "astrology", "level": 2}]},
        400,
        "unknown_skill",
    ),
    ("patch", "/api/v1/agents/{lille0}", {"team_id": "{rabat_team}"}, 400, "team_not_on_site"),
    ("patch", "/api/v1/agents/{lille0}", {"site_id": 999999}, 400, "unknown_site"),
    (
        "patch",
        "/api/v1/agents/{rabat0}",
        {"site_id": "{bucarest}", "team_id": "{rabat_team}"},
        400,
        "team_not_on_site",
    ),
    ("patch", "/api/v1/agents/{rabat0}", {"employment": "internal"}, 400, "employment_mismatch"),
    ("patch", "/api/v1/agents/{lille0}", {"first_name": "É" * 300}, 400, "invalid_input"),
    ("patch", "/api/v1/agents/999999", {"capacity_chat": 2}, 404, "not_found"),
    (
        "post",
        "/api/v1/agents",
        {"username": "lille.agent0", "site_id": "{lille}"},
        409,
        "name_taken",
    ),
    (
        "post",
        "/api/v1/teams",
        {"name": "T", "site_id": "{lille}", "supervisor_ids": ["{agent_user}"]},
        400,
        "supervisor_not_allowed",
    ),
    (
        "post",
        "/api/v1/skills",
        {"code": "Bad Code!", "name_en": "x", "name_fr": "x"},
        400,
        "invalid_input",
    ),
    (
        "post",
        "/api/v1/skills",
        {"code": "klingon", "kind": "language", "name_en": "x", "name_fr": "x"},
        400,
        "invalid_language_code",
    ),
]


def _fill(value: Any, world: World) -> Any:
    ids = {
        "{atlas}": world.atlas.pk,
        "{rabat}": world.rabat.pk,
        "{lille}": world.lille.pk,
        "{bucarest}": world.bucarest.pk,
        "{lille0}": world.agents["lille0"].pk,
        "{rabat0}": world.agents["rabat0"].pk,
        "{rabat_team}": world.teams["rabat"].pk,
        "{agent_user}": world.users["agent"].pk,
    }
    if isinstance(value, str):
        for key, pk in ids.items():
            if value == key:
                return pk
            value = value.replace(key, str(pk))
        return value
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, world) for v in value]
    return value


@pytest.mark.parametrize(("method", "url", "body", "status", "code"), BAD_WRITES)
def test_bad_input_is_refused_with_a_code_and_changes_nothing(
    world: World, method: str, url: str, body: Any, status: int, code: str
) -> None:
    client = logged_in(world.users["administrator"])
    before = snapshot()

    response = send(
        client, method, _fill(url, world), body if isinstance(body, str) else _fill(body, world)
    )

    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert response.json()["message"]
    assert snapshot() == before


def test_error_messages_follow_the_persons_language(world: World) -> None:
    admin = world.users["administrator"]
    client = logged_in(admin)
    url = f"/api/v1/sites/{world.rabat.pk}"
    messages = {}
    for language in ("fr", "en"):
        admin.language = language
        admin.save(update_fields=["language"])
        response = send(client, "patch", url, {"time_zone": "Nowhere"})
        messages[language] = response.json()

    assert messages["fr"]["message"].startswith("Fuseau horaire inconnu")
    assert messages["en"]["message"].startswith("Unknown time zone")
    assert messages["fr"]["code"] == messages["en"]["code"] == "unknown_time_zone"
