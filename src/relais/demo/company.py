"""Load the demo company “Maison Lumière” (see `company_data`), idempotently.

Each object is looked up by its natural key (partner and site name, skill code, username,
site and team name). A missing one is created through the organisation's services, which
validate and audit it; an existing one is updated only in the fields that differ from the
demo data, so a second run writes nothing and leaves no audit entry. Users have no service
yet: they are written here, audited the same way.

Every demo account gets the one documented password. Hashing it ~90 times would take
seconds, so it is hashed once and the same hash is stored for everyone; a later run keeps
the hash already stored when it still matches the password.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import Model

from relais.apps.accounts.models import PARTNER_ROLES, Role, User
from relais.apps.audit.services import audit_record
from relais.apps.organisation.models import Agent, Employment, Partner, Site, Skill, Team
from relais.apps.organisation.services import (
    agent_create,
    agent_update,
    partner_create,
    partner_update,
    site_create,
    site_update,
    skill_create,
    skill_update,
    team_create,
    team_update,
)
from relais.apps.privacy.selectors import policy_of
from relais.apps.privacy.services import masking_policy_set
from relais.demo.company_data import (
    COMPANY_DOMAIN,
    COMPANY_NAME,
    DEMO_PASSWORD,
    MASKING,
    PARTNERS,
    SITES,
    SKILLS,
    STAFF,
    AccountData,
    Levels,
    MaskingData,
    PartnerData,
    SiteData,
    SkillData,
    TeamData,
)

Outcome = Literal["created", "updated", "unchanged"]
HIDDEN_VALUE = "********"


@dataclass(frozen=True)
class DemoAccount:
    """One account of the demo, as the `demo` command prints it."""

    username: str
    role: Role
    name: str
    scope: str


@dataclass
class DemoSummary:
    """What a load did, per kind of object, and the accounts one can log in with."""

    password: str
    accounts: list[DemoAccount] = field(default_factory=list)
    outcomes: defaultdict[str, Counter[Outcome]] = field(
        default_factory=lambda: defaultdict(Counter)
    )

    def record(self, kind: str, outcome: Outcome) -> None:
        self.outcomes[kind][outcome] += 1

    def total(self, outcome: Outcome) -> int:
        return sum(counts[outcome] for counts in self.outcomes.values())


def username_for(first_name: str, last_name: str) -> str:
    """`camille.durand`, `kevin.da-silva`, `stefan.rusu`: ASCII, lower case."""
    return f"{_ascii_slug(first_name)}.{_ascii_slug(last_name)}"


def _ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def demo_usernames() -> list[str]:
    """Every demo account's username, in the order the command lists them."""
    names = [account.username for account in STAFF]
    for site in SITES:
        for team in site.teams:
            names.append(team.supervisor.username)
            names.extend(username_for(first, last) for first, last in team.agents)
    return names


def load_demo_company() -> DemoSummary:
    """Create or bring back the demo company to its known state, in one transaction."""
    usernames = demo_usernames()
    duplicates = [name for name, count in Counter(usernames).items() if count > 1]
    if duplicates:
        raise ValueError(f"duplicate demo usernames: {duplicates}")
    summary = DemoSummary(password=DEMO_PASSWORD)
    with transaction.atomic():
        loader = _Loader(summary, usernames)
        for skill in SKILLS:
            loader.skill(skill)
        partners = {data.name: loader.partner(data) for data in PARTNERS}
        domains = {data.name: data.email_domain for data in PARTNERS}
        for account in STAFF:
            partner = partners[account.partner] if account.partner else None
            loader.user(
                account,
                partner=partner,
                scope=partner.name if partner else COMPANY_NAME,
                email_domain=domains[partner.name] if partner else COMPANY_DOMAIN,
            )
        sites = {data.name: loader.site(data, partners) for data in SITES}
        for masking in MASKING:
            loader.masking(masking, partners, sites)
    return summary


def _differences(obj: Model, wanted: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in wanted.items() if getattr(obj, name) != value}


def _level(cycle: Levels, position: int) -> int | None:
    return cycle[position % len(cycle)]


class _Loader:
    """Holds what one load has fetched so far; each method ensures one object."""

    def __init__(self, summary: DemoSummary, usernames: Iterable[str]) -> None:
        self.summary = summary
        self.users = {user.username: user for user in User.objects.filter(username__in=usernames)}
        self.agents = {
            agent.user.username: agent
            for agent in Agent.objects.filter(user__username__in=usernames)
            .select_related("user")
            .prefetch_related("skill_levels__skill")
        }
        self.password_hash = self._password_hash()

    def _password_hash(self) -> str:
        """The hash most demo users already have if it still matches, else a new one."""
        for encoded, _count in Counter(user.password for user in self.users.values()).most_common(
            1
        ):
            outdated: list[str] = []
            if check_password(DEMO_PASSWORD, encoded, setter=outdated.append) and not outdated:
                return encoded
        return make_password(DEMO_PASSWORD)

    # Organisation objects, through the services ----------------------------------------------

    def skill(self, data: SkillData) -> Skill:
        fields = {
            "code": data.code,
            "kind": data.kind,
            "name_en": data.name_en,
            "name_fr": data.name_fr,
        }
        skill = Skill.objects.filter(code=data.code).first()
        if skill is None:
            self.summary.record("skill", "created")
            return skill_create(actor=None, fields=fields)
        return self._update("skill", skill, _differences(skill, fields), skill_update)

    def partner(self, data: PartnerData) -> Partner:
        fields = {
            "name": data.name,
            "country": data.country,
            "contact_name": data.contact_name,
            "contact_email": data.contact_email,
            "contact_phone": data.contact_phone,
            "active": True,
        }
        partner = Partner.objects.filter(name=data.name).first()
        if partner is None:
            self.summary.record("partner", "created")
            return partner_create(actor=None, fields=fields)
        return self._update("partner", partner, _differences(partner, fields), partner_update)

    def site(self, data: SiteData, partners: Mapping[str, Partner]) -> Site:
        partner = partners[data.partner] if data.partner else None
        fields = {
            "name": data.name,
            "kind": data.kind,
            "country": data.country,
            "time_zone": data.time_zone,
            "partner_id": partner.pk if partner else None,
            "active": True,
        }
        periods = sorted(data.opening_hours)
        opening_hours = [
            {"weekday": day, "opens_at": opens, "closes_at": closes}
            for day, opens, closes in periods
        ]
        site = Site.objects.filter(name=data.name).first()
        if site is None:
            self.summary.record("site", "created")
            site = site_create(actor=None, fields={**fields, "opening_hours": opening_hours})
        else:
            changes = _differences(site, fields)
            if (
                sorted(site.opening_hours.values_list("weekday", "opens_at", "closes_at"))
                != periods
            ):
                changes["opening_hours"] = opening_hours
            site = self._update("site", site, changes, site_update)
        position = 0  # of the agent on the site, across its teams
        for team_data in data.teams:
            supervisor = self.user(
                team_data.supervisor,
                partner=partner,
                scope=team_data.name,
                email_domain=data.email_domain,
            )
            team = self.team(team_data, site, supervisor)
            for index, (first_name, last_name) in enumerate(team_data.agents):
                self.agent(data, team_data, team, partner, first_name, last_name, index, position)
                position += 1
        return site

    def masking(
        self, data: MaskingData, partners: Mapping[str, Partner], sites: Mapping[str, Site]
    ) -> None:
        fields = {
            "mask_surname": data.surname,
            "mask_email": data.email,
            "mask_phone": data.phone,
            "mask_address": data.address,
            "patterns": data.patterns,
        }
        site = sites[data.site] if data.site else None
        partner = partners[data.partner] if data.partner else None
        existing = policy_of(site=site, partner=partner)
        if existing is not None and not _differences(existing, fields):
            self.summary.record("masking_policy", "unchanged")
            return
        self.summary.record("masking_policy", "created" if existing is None else "updated")
        masking_policy_set(actor=None, site=site, partner=partner, fields=fields)

    def team(self, data: TeamData, site: Site, supervisor: User) -> Team:
        team = Team.objects.filter(site=site, name=data.name).first()
        if team is None:
            self.summary.record("team", "created")
            return team_create(
                actor=None,
                fields={"name": data.name, "site_id": site.pk, "supervisor_ids": [supervisor.pk]},
            )
        changes = {}
        if set(team.supervisors.values_list("pk", flat=True)) != {supervisor.pk}:
            changes["supervisor_ids"] = [supervisor.pk]
        return self._update("team", team, changes, team_update)

    def agent(
        self,
        site_data: SiteData,
        team_data: TeamData,
        team: Team,
        partner: Partner | None,
        first_name: str,
        last_name: str,
        index: int,
        position: int,
    ) -> Agent:
        """The `index`-th agent of `team`, the `position`-th of the site."""
        username = username_for(first_name, last_name)
        account = AccountData(username, Role.AGENT, first_name, last_name)
        user = self.user(
            account, partner=partner, scope=team.name, email_domain=site_data.email_domain
        )
        fields = {
            "site_id": team.site_id,
            "team_id": team.pk,
            "employment": Employment.PARTNER if partner else Employment.INTERNAL,
            "capacity_voice": site_data.capacity_voice,
            "capacity_chat": site_data.chat_capacity[position % len(site_data.chat_capacity)],
            "capacity_email": site_data.capacity_email,
            "active": True,
        }
        levels = {code: _level(cycle, index) for code, cycle in team_data.topics.items()}
        levels |= {code: _level(cycle, position) for code, cycle in site_data.languages.items()}
        wanted = {code: level for code, level in levels.items() if level is not None}
        skills = [{"code": code, "level": level} for code, level in wanted.items()]
        agent = self.agents.get(username)
        if agent is None:
            self.summary.record("agent", "created")
            return agent_create(actor=None, fields={**fields, "user_id": user.pk, "skills": skills})
        agent.user = user  # the instance just brought up to date, not a stale copy
        changes = _differences(agent, fields)
        if {level.skill.code: level.level for level in agent.skill_levels.all()} != wanted:
            changes["skills"] = skills
        return self._update("agent", agent, changes, agent_update)

    def _update[M: Model](
        self, kind: str, obj: M, changes: dict[str, Any], update: Callable[..., M]
    ) -> M:
        """Call `<kind>_update` with only the fields that differ, or nothing at all."""
        if not changes:
            self.summary.record(kind, "unchanged")
            return obj
        self.summary.record(kind, "updated")
        return update(actor=None, **{kind: obj}, fields=changes)

    # Users: no service yet, written and audited here --------------------------------------------

    def user(
        self, account: AccountData, *, partner: Partner | None, scope: str, email_domain: str
    ) -> User:
        """`partner` is stored on a partner's staff only: it bounds what they see."""
        local_part = (
            username_for(account.first_name, account.last_name)
            if account.last_name
            else account.username
        )
        wanted: dict[str, Any] = {
            "first_name": account.first_name,
            "last_name": account.last_name,
            "email": f"{local_part}@{email_domain}",
            "role": account.role,
            "partner_id": partner.pk if partner and account.role in PARTNER_ROLES else None,
            "is_staff": account.superuser,
            "is_superuser": account.superuser,
            "is_active": True,
            "language": account.language,
            "password": self.password_hash,
        }
        user = self.users.get(account.username)
        if user is None:
            user = User(username=account.username, **wanted)
            user.save()
            audit_record(
                actor=None,
                action="user.create",
                obj=user,
                changes=_audited(user, wanted, creating=True),
            )
            self.users[user.username] = user
            self.summary.record("user", "created")
        else:
            changes = _differences(user, wanted)
            if changes:
                audited = _audited(user, changes, creating=False)
                for name, value in changes.items():
                    setattr(user, name, value)
                user.save(update_fields=list(changes))
                audit_record(actor=None, action="user.update", obj=user, changes=audited)
                self.summary.record("user", "updated")
            else:
                self.summary.record("user", "unchanged")
        name = user.get_full_name() or user.username
        self.summary.accounts.append(DemoAccount(user.username, Role(user.role), name, scope))
        return user


def _audited(user: User, changes: Mapping[str, Any], *, creating: bool) -> dict[str, list[Any]]:
    """{field: [old, new]}, never showing a password hash."""
    audited = {}
    for name, value in changes.items():
        old = None if creating else getattr(user, name)
        audited[name] = [HIDDEN_VALUE, HIDDEN_VALUE] if name == "password" else [old, value]
    return audited
