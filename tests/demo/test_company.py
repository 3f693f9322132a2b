"""The demo company: what `relais demo` loads, and that loading it twice changes nothing."""

from __future__ import annotations

import io
import re
import zoneinfo
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import F
from django.http import HttpRequest
from django.test import RequestFactory

from relais.apps.accounts.models import PARTNER_ROLES, Role, User
from relais.apps.audit.models import AuditEntry
from relais.apps.audit.services import audit_verify_chain
from relais.apps.organisation.models import (
    Agent,
    AgentSkill,
    Employment,
    OpeningHours,
    Partner,
    Site,
    SiteKind,
    Skill,
    Team,
)
from relais.apps.privacy.selectors import site_maskings
from relais.core.privacy import CLOSED, OPEN
from relais.demo.company import DemoSummary, load_demo_company
from relais.demo.company_data import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

MODELS = (Partner, Site, OpeningHours, Team, Skill, Agent, AgentSkill, User, AuditEntry)


def login_request() -> HttpRequest:
    """The login form's request: sign-in throttling (django-axes) reads its address."""
    return RequestFactory().post("/accounts/login/")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """The load hashes the demo password once; logging in checks it: keep both quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def loaded() -> DemoSummary:
    return load_demo_company()


def row_counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in MODELS}
    counts["supervisions"] = Team.supervisors.through.objects.count()
    return counts


def test_load_creates_the_company(loaded: DemoSummary) -> None:
    assert sorted(Partner.objects.values_list("name", "country")) == [
        ("Atlas Contact", "MA"),
        ("Carpathia CX", "RO"),
    ]
    sites = {site.name: site for site in Site.objects.select_related("partner")}
    assert set(sites) == {"Lille", "Rabat", "Bucarest", "Domicile France"}
    assert sites["Lille"].kind == SiteKind.INSHORE
    assert sites["Lille"].partner is None
    assert sites["Rabat"].partner.name == "Atlas Contact"
    assert sites["Bucarest"].partner.name == "Carpathia CX"
    assert sites["Domicile France"].kind == SiteKind.HOMESHORE
    assert sites["Domicile France"].partner is None
    agents_per_site = {name: site.agents.count() for name, site in sites.items()}
    assert agents_per_site == {"Lille": 30, "Rabat": 20, "Bucarest": 15, "Domicile France": 15}
    assert set(Skill.objects.values_list("code", flat=True)) == {
        "orders",
        "delivery",
        "returns",
        "billing",
        "loyalty",
        "lamp-support",
        "fr",
        "en",
        "ar",
        "nl",
    }
    assert loaded.total("created") > 0
    assert loaded.total("updated") == 0


def test_partner_sites_are_masked_and_lille_is_not(loaded: DemoSummary) -> None:
    sites = dict(Site.objects.values_list("name", "pk"))
    maskings = site_maskings(sites.values())
    assert maskings[sites["Rabat"]] == CLOSED
    assert maskings[sites["Bucarest"]] == CLOSED
    assert maskings[sites["Lille"]] == OPEN
    home = maskings[sites["Domicile France"]]
    assert (home.surname, home.email, home.phone, home.address) == (False, True, True, True)


def test_every_role_has_an_account(loaded: DemoSummary) -> None:
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    admin = User.objects.get(username="admin")
    assert admin.is_staff
    assert admin.is_superuser
    assert admin.role == Role.ADMINISTRATOR
    assert User.objects.get(username="directrice").role == Role.DIRECTOR
    assert User.objects.get(username="planificateur").role == Role.PLANNER
    assert User.objects.get(username="qualite").role == Role.QUALITY_ANALYST
    assert User.objects.filter(role=Role.AGENT).count() == Agent.objects.count() == 80


def test_each_partner_manager_is_linked_to_their_partner(loaded: DemoSummary) -> None:
    managers = User.objects.filter(role=Role.PARTNER_MANAGER).select_related("partner")
    assert {(m.username, m.partner.name) for m in managers} == {
        ("manager.atlas", "Atlas Contact"),
        ("manager.carpathia", "Carpathia CX"),
    }
    evaluators = User.objects.filter(role=Role.PARTNER_EVALUATOR).select_related("partner")
    assert {(e.username, e.partner.name) for e in evaluators} == {
        ("qualite.atlas", "Atlas Contact")
    }
    staff = User.objects.filter(partner__isnull=False).exclude(role__in=PARTNER_ROLES)
    assert not staff.exists()


def test_each_team_has_one_supervisor(loaded: DemoSummary) -> None:
    for team in Team.objects.all():
        supervisors = list(team.supervisors.all())
        assert len(supervisors) == 1
        assert supervisors[0].role == Role.SUPERVISOR
    assert Team.objects.filter(site__name="Lille").count() == 3


def test_sites_have_valid_time_zones_and_opening_hours(loaded: DemoSummary) -> None:
    for site in Site.objects.all():
        zoneinfo.ZoneInfo(site.time_zone)
        assert site.opening_hours.exists()
    rabat = Site.objects.get(name="Rabat")
    assert rabat.time_zone == "Africa/Casablanca"
    assert sorted(rabat.opening_hours.values_list("weekday", flat=True)) == list(range(7))
    assert {f"{h.opens_at:%H:%M}-{h.closes_at:%H:%M}" for h in rabat.opening_hours.all()} == {
        "00:00-23:59"
    }


def test_agents_of_partner_sites_are_employed_by_the_partner(loaded: DemoSummary) -> None:
    assert (
        not Agent.objects.filter(site__partner__isnull=False)
        .exclude(employment=Employment.PARTNER)
        .exists()
    )
    assert (
        not Agent.objects.filter(site__partner__isnull=True)
        .exclude(employment=Employment.INTERNAL)
        .exists()
    )
    assert not Agent.objects.exclude(team__site=F("site")).exists()


def test_skills_are_plausible(loaded: DemoSummary) -> None:
    def speakers(site: str, code: str) -> int:
        return AgentSkill.objects.filter(agent__site__name=site, skill__code=code).count()

    assert speakers("Rabat", "fr") == speakers("Rabat", "ar") == 20
    assert 0 < speakers("Rabat", "en") < 20
    assert speakers("Bucarest", "fr") == speakers("Bucarest", "en") == 15
    assert 0 < speakers("Bucarest", "nl") <= 5
    assert 0 < speakers("Lille", "nl") < speakers("Lille", "en") < 30
    billing_sites = set(
        AgentSkill.objects.filter(skill__code="billing")
        .values_list("agent__site__name", flat=True)
        .distinct()
    )
    assert billing_sites == {"Lille", "Domicile France"}
    assert 0 < speakers("Domicile France", "billing") < 15
    for agent in Agent.objects.prefetch_related("skill_levels__skill"):
        kinds = {level.skill.kind for level in agent.skill_levels.all()}
        assert kinds == {"topic", "language"}, agent
        assert all(1 <= level.level <= 5 for level in agent.skill_levels.all())
        capacities = (agent.capacity_voice, agent.capacity_chat, agent.capacity_email)
        assert capacities in {(1, 2, 5), (1, 3, 5)}, agent


def test_usernames_look_like_first_name_dot_last_name(loaded: DemoSummary) -> None:
    agents = User.objects.filter(role=Role.AGENT)
    assert agents.filter(username="camille.durand").exists()
    assert agents.filter(username="stefan.rusu", first_name="Ștefan").exists()
    for username in agents.values_list("username", flat=True):
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*\.[a-z]+(-[a-z]+)*", username), username


def test_every_account_logs_in_with_the_demo_password(loaded: DemoSummary) -> None:
    for username in (
        "admin",
        "directrice",
        "manager.atlas",
        "superviseur.rabat1",
        "camille.durand",
    ):
        assert authenticate(login_request(), username=username, password=DEMO_PASSWORD), username
    assert User.objects.values("password").distinct().count() == 1
    assert {account.username for account in loaded.accounts} == set(
        User.objects.values_list("username", flat=True)
    )


def test_a_second_load_creates_and_audits_nothing(loaded: DemoSummary) -> None:
    before = row_counts()
    last_audit_id = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()

    again = load_demo_company()

    assert row_counts() == before
    assert AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() == last_audit_id
    assert again.total("created") == again.total("updated") == 0
    assert again.total("unchanged") == loaded.total("created")


def test_a_load_audits_what_it_writes(loaded: DemoSummary) -> None:
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "partner.create",
        "site.create",
        "team.create",
        "skill.create",
        "agent.create",
        "user.create",
    } <= actions
    assert AuditEntry.objects.count() == loaded.total("created")
    assert not AuditEntry.objects.filter(changes__icontains="pbkdf2").exists()
    assert audit_verify_chain() is None


def test_a_load_restores_what_was_changed(loaded: DemoSummary) -> None:
    agent = Agent.objects.get(user__username="camille.durand")
    agent.capacity_chat = 8
    agent.save()
    agent.skill_levels.filter(skill__code="fr").delete()
    User.objects.filter(username="directrice").update(password="!", role=Role.AGENT)
    Team.objects.get(name="Rabat Agdal").supervisors.clear()
    OpeningHours.objects.filter(site__name="Bucarest", weekday=4).delete()
    audits_before = AuditEntry.objects.count()

    again = load_demo_company()

    agent.refresh_from_db()
    assert agent.capacity_chat == 3
    assert agent.skill_levels.filter(skill__code="fr", level=5).exists()
    directrice = authenticate(login_request(), username="directrice", password=DEMO_PASSWORD)
    assert directrice is not None
    assert directrice.role == Role.DIRECTOR
    assert Team.objects.get(name="Rabat Agdal").supervisors.get().username == "superviseur.rabat1"
    assert OpeningHours.objects.filter(site__name="Bucarest", weekday=4).exists()
    assert dict(again.outcomes["agent"])["updated"] == 1
    assert again.total("updated") == 4  # the agent, the director, the team, the site
    assert again.total("created") == 0
    assert AuditEntry.objects.count() == audits_before + 4


def test_the_demo_command_migrates_loads_and_prints_the_accounts() -> None:
    out = io.StringIO()

    call_command("demo", stdout=out, verbosity=0)

    printed = out.getvalue()
    assert Agent.objects.count() == 80
    for username in (
        "admin",
        "directrice",
        "planificateur",
        "qualite",
        "manager.atlas",
        "manager.carpathia",
    ):
        assert username in printed
    assert DEMO_PASSWORD in printed
    assert "stefan.rusu" not in printed
    assert "second facteur" in printed  # who will be asked for one at first sign-in

    out = io.StringIO()
    call_command("demo", "--all", stdout=out, verbosity=0)
    assert "stefan.rusu" in out.getvalue()
