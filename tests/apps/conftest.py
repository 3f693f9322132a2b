"""Shared fixtures: a small contact centre with two partners and a person in every role."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from relais.apps.accounts.models import Role, User
from relais.apps.organisation.models import Agent, Partner, Site, SiteKind, Team
from tests.apps.capture import recording_layer as recording_layer  # a fixture, for every app
from tests.apps.factories import (
    AgentFactory,
    AgentSkillFactory,
    OpeningHoursFactory,
    PartnerFactory,
    SiteFactory,
    SkillFactory,
    TeamFactory,
    UserFactory,
)
from tests.apps.signin import logged_in, totp_code, totp_device_for

#: PBKDF2 is slow by design; the tests hash many passwords.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings: Any) -> None:
    """Each test counts its own requests (realtime/ratelimit.py): a bucket of its own, in
    this process or in Redis, whatever the tests before it sent."""
    settings.RATE_LIMIT_PREFIX = f"test-rate:{uuid.uuid4().hex}"


@dataclass
class World:
    atlas: Partner
    carpathia: Partner
    lille: Site
    rabat: Site
    bucarest: Site
    home: Site
    teams: dict[str, Team]
    agents: dict[str, Agent]
    users: dict[str, User] = field(default_factory=dict)


@pytest.fixture
def world(db: None) -> World:
    return world_build()


def world_build() -> World:
    """Two partners, four sites, a team of two agents on each, and a person in every role."""
    atlas = PartnerFactory(name="Atlas Contact", country="MA")
    carpathia = PartnerFactory(name="Carpathia CX", country="RO")
    lille = SiteFactory(name="Lille", kind=SiteKind.INSHORE)
    rabat = SiteFactory(
        name="Rabat",
        kind=SiteKind.OFFSHORE,
        country="MA",
        time_zone="Africa/Casablanca",
        partner=atlas,
    )
    bucarest = SiteFactory(
        name="Bucarest",
        kind=SiteKind.OFFSHORE,
        country="RO",
        time_zone="Europe/Bucharest",
        partner=carpathia,
    )
    home = SiteFactory(name="Domicile", kind=SiteKind.HOMESHORE)
    for site in (lille, rabat, bucarest, home):
        OpeningHoursFactory(site=site, weekday=0)
    teams = {
        "lille": TeamFactory(name="Lille A", site=lille),
        "rabat": TeamFactory(name="Rabat 1", site=rabat),
        "bucarest": TeamFactory(name="Bucarest 1", site=bucarest),
        "home": TeamFactory(name="Maison", site=home),
    }
    orders = SkillFactory(code="orders")
    french = SkillFactory(code="fr", kind="language")
    agents = {}
    for key, team in teams.items():
        for index in range(2):
            agent = AgentFactory(site=team.site, team=team, user__username=f"{key}.agent{index}")
            AgentSkillFactory(agent=agent, skill=orders, level=3)
            AgentSkillFactory(agent=agent, skill=french, level=5)
            agents[f"{key}{index}"] = agent
    users = {
        "administrator": UserFactory(username="admin", role=Role.ADMINISTRATOR, is_staff=True),
        "director": UserFactory(username="director", role=Role.DIRECTOR),
        "planner": UserFactory(username="planner", role=Role.PLANNER),
        "quality_analyst": UserFactory(username="quality", role=Role.QUALITY_ANALYST),
        "partner_manager": UserFactory(
            username="manager.atlas", role=Role.PARTNER_MANAGER, partner=atlas
        ),
        "partner_evaluator": UserFactory(
            username="evaluator.atlas", role=Role.PARTNER_EVALUATOR, partner=atlas
        ),
        "supervisor": UserFactory(username="supervisor.lille", role=Role.SUPERVISOR),
        "agent": agents["rabat0"].user,
        # not a role of its own: a supervisor at Atlas Contact's site (the partner's staff),
        # for the partner-isolation cases of the authorisation matrix
        "supervisor_atlas": UserFactory(username="supervisor.rabat", role=Role.SUPERVISOR),
    }
    teams["lille"].supervisors.add(users["supervisor"])
    teams["rabat"].supervisors.add(users["supervisor_atlas"])
    return World(atlas, carpathia, lille, rabat, bucarest, home, teams, agents, users)


__all__ = ["logged_in", "totp_code", "totp_device_for"]  # signing in: tests/apps/signin.py


@pytest.fixture
def admin_client_(world: World) -> Client:
    return logged_in(world.users["administrator"])


@pytest.fixture(autouse=True)
def _audit_files(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test its own audit key and anchor file (docs/security.md, "Audit log"), never the
    data directory's."""
    folder = tmp_path_factory.mktemp("audit")
    settings.AUDIT_KEY = ""
    settings.AUDIT_KEY_FILE = folder / "audit_key"
    settings.AUDIT_ANCHOR_FILE = folder / "audit_anchors.jsonl"
