"""Writes to the organisation: each one validated, done in one transaction, and audited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Model

from relais.apps.accounts.models import Role, User
from relais.apps.accounts.permissions import require_administrator
from relais.apps.audit.services import audit_record
from relais.apps.errors import RelaisError
from relais.apps.organisation import validation
from relais.apps.organisation.errors import ErrorCode
from relais.apps.organisation.models import (
    Agent,
    AgentSkill,
    Employment,
    OpeningHours,
    Partner,
    Site,
    SiteKind,
    Skill,
    SkillKind,
    Team,
)
from relais.apps.realtime.sessions import SessionEndReason, sockets_close_for_user

Fields = Mapping[str, Any]


def _apply(obj: Model, fields: Fields, names: tuple[str, ...]) -> dict[str, list[Any]]:
    """Set the given attributes; return the changes as {field: [old, new]} for the audit."""
    changes: dict[str, list[Any]] = {}
    for name in names:
        if name in fields and getattr(obj, name) != fields[name]:
            changes[name] = [getattr(obj, name), fields[name]]
            setattr(obj, name, fields[name])
    return changes


def _save_and_audit(
    *, actor: User | None, obj: Model, kind: str, creating: bool, changes: dict[str, list[Any]]
) -> None:
    """Audit what changed; a write that changes nothing leaves no trace and no entry."""
    if creating or changes:
        audit_record(
            actor=actor,
            action=f"{kind}.{'create' if creating else 'update'}",
            obj=obj,
            changes=changes,
        )


def _hours_text(periods: Any) -> list[str]:
    return [f"{day} {opens:%H:%M}-{closes:%H:%M}" for day, opens, closes in periods]


def _unique_name(
    model: type[Model], name: str | None, exclude_pk: int | None, **scope: Any
) -> None:
    if name is None:
        return
    taken = model._default_manager.filter(name=name, **scope).exclude(pk=exclude_pk).exists()
    if taken:
        raise RelaisError(ErrorCode.NAME_TAKEN, value=name)


# Partners ------------------------------------------------------------------------------------

PARTNER_FIELDS = ("name", "country", "contact_name", "contact_email", "contact_phone", "active")


def partner_create(*, actor: User | None, fields: Fields) -> Partner:
    return partner_update(actor=actor, partner=Partner(), fields=fields)


def partner_update(*, actor: User | None, partner: Partner, fields: Fields) -> Partner:
    if actor is not None:
        require_administrator(actor)
    if "country" in fields:
        validation.check_country(fields["country"])
    _unique_name(Partner, fields.get("name"), partner.pk)
    creating = partner.pk is None
    with transaction.atomic():
        changes = _apply(partner, fields, PARTNER_FIELDS)
        if creating or changes:
            partner.save()
        _save_and_audit(
            actor=actor, obj=partner, kind="partner", creating=creating, changes=changes
        )
    return partner


# Sites ---------------------------------------------------------------------------------------

SITE_FIELDS = ("name", "kind", "country", "time_zone", "partner_id", "active")


def site_create(*, actor: User | None, fields: Fields) -> Site:
    return site_update(actor=actor, site=Site(), fields=fields)


def site_update(*, actor: User | None, site: Site, fields: Fields) -> Site:
    if actor is not None:
        require_administrator(actor)
    if "country" in fields:
        validation.check_country(fields["country"])
    if "time_zone" in fields:
        validation.check_time_zone(fields["time_zone"])
    partner_id = fields.get("partner_id", site.partner_id)
    if partner_id is not None and not Partner.objects.filter(pk=partner_id).exists():
        raise RelaisError(ErrorCode.UNKNOWN_PARTNER, value=partner_id)
    if fields.get("kind", site.kind) == SiteKind.INSHORE and partner_id is not None:
        raise RelaisError(ErrorCode.INSHORE_SITE_WITH_PARTNER)
    hours = fields.get("opening_hours")
    periods = validation.check_opening_hours(hours) if hours is not None else None
    _unique_name(Site, fields.get("name"), site.pk)
    creating = site.pk is None
    with transaction.atomic():
        changes = _apply(site, fields, SITE_FIELDS)
        if creating or changes:
            site.save()
        if periods is not None:
            current = sorted(
                site.opening_hours.values_list("weekday", "opens_at", "closes_at")
                if not creating
                else []
            )
            if current != periods:
                site.opening_hours.all().delete()
                OpeningHours.objects.bulk_create(
                    OpeningHours(site=site, weekday=day, opens_at=opens, closes_at=closes)
                    for day, opens, closes in periods
                )
                changes["opening_hours"] = [_hours_text(current), _hours_text(periods)]
        _save_and_audit(actor=actor, obj=site, kind="site", creating=creating, changes=changes)
    return site


# Teams ---------------------------------------------------------------------------------------


def team_create(*, actor: User | None, fields: Fields) -> Team:
    return team_update(actor=actor, team=Team(), fields=fields)


def team_update(*, actor: User | None, team: Team, fields: Fields) -> Team:
    if actor is not None:
        require_administrator(actor)
    site_id = fields.get("site_id", team.site_id if team.pk else None)
    if site_id is None or not Site.objects.filter(pk=site_id).exists():
        raise RelaisError(ErrorCode.UNKNOWN_SITE, value=site_id)
    supervisor_ids = fields.get("supervisor_ids")
    if supervisor_ids is not None:
        found = set(
            User.objects.filter(pk__in=supervisor_ids, role=Role.SUPERVISOR).values_list(
                "pk", flat=True
            )
        )
        missing = [pk for pk in supervisor_ids if pk not in found]
        if missing:
            raise RelaisError(ErrorCode.SUPERVISOR_NOT_ALLOWED, value=missing[0])
    _unique_name(Team, fields.get("name"), team.pk, site_id=site_id)
    if team.pk and site_id != team.site_id and team.agents.exclude(site_id=site_id).exists():
        raise RelaisError(ErrorCode.TEAM_NOT_ON_SITE, team=team.name, site=site_id)
    creating = team.pk is None
    with transaction.atomic():
        changes = _apply(team, fields, ("name", "site_id"))
        if creating or changes:
            team.save()
        if supervisor_ids is not None:
            current = sorted(team.supervisors.values_list("pk", flat=True)) if not creating else []
            if current != sorted(set(supervisor_ids)):
                changes["supervisor_ids"] = [current, sorted(set(supervisor_ids))]
                team.supervisors.set(supervisor_ids)
        _save_and_audit(actor=actor, obj=team, kind="team", creating=creating, changes=changes)
    return team


# Skills --------------------------------------------------------------------------------------


def skill_create(*, actor: User | None, fields: Fields) -> Skill:
    return skill_update(actor=actor, skill=Skill(), fields=fields)


def skill_update(*, actor: User | None, skill: Skill, fields: Fields) -> Skill:
    if actor is not None:
        require_administrator(actor)
    kind = fields.get("kind", skill.kind)
    code = fields.get("code", skill.code)
    if kind == SkillKind.LANGUAGE and not validation.LANGUAGE_CODE.match(code or ""):
        raise RelaisError(ErrorCode.INVALID_LANGUAGE_CODE)
    if "code" in fields and Skill.objects.filter(code=code).exclude(pk=skill.pk).exists():
        raise RelaisError(ErrorCode.NAME_TAKEN, value=code)
    creating = skill.pk is None
    with transaction.atomic():
        changes = _apply(skill, fields, ("code", "kind", "name_en", "name_fr"))
        if creating or changes:
            skill.save()
        _save_and_audit(actor=actor, obj=skill, kind="skill", creating=creating, changes=changes)
    return skill


# Agents --------------------------------------------------------------------------------------

AGENT_FIELDS = (
    "site_id",
    "team_id",
    "employment",
    "capacity_voice",
    "capacity_chat",
    "capacity_email",
    "active",
)
USER_FIELDS = ("first_name", "last_name", "email")


def agent_create(*, actor: User | None, fields: Fields) -> Agent:
    """Create the agent and, unless `user_id` names an existing user, their user account."""
    if actor is not None:
        require_administrator(actor)
    user_id = fields.get("user_id")
    if user_id is not None:
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            raise RelaisError(ErrorCode.UNKNOWN_USER, value=user_id)
        if Agent.objects.filter(user=user).exists():
            raise RelaisError(ErrorCode.USER_ALREADY_AGENT)
    else:
        username = fields.get("username") or ""
        if not username or User.objects.filter(username=username).exists():
            raise RelaisError(ErrorCode.NAME_TAKEN, value=username)
        user = User(username=username, role=Role.AGENT)
        user.set_unusable_password()
    agent = Agent(user=user)
    agent.capacity_voice, agent.capacity_chat, agent.capacity_email = 1, 3, 5
    return _agent_save(actor=actor, agent=agent, fields=fields, creating=True)


def agent_update(*, actor: User | None, agent: Agent, fields: Fields) -> Agent:
    if actor is not None:
        require_administrator(actor)
    return _agent_save(actor=actor, agent=agent, fields=fields, creating=False)


def _agent_save(*, actor: User | None, agent: Agent, fields: Fields, creating: bool) -> Agent:
    validation.check_capacities(fields)
    site_id = fields.get("site_id", agent.site_id if not creating else None)
    site = Site.objects.filter(pk=site_id).first() if site_id is not None else None
    if site is None:
        raise RelaisError(ErrorCode.UNKNOWN_SITE, value=site_id)
    team_id = fields.get("team_id", agent.team_id)
    if team_id is not None:
        team = Team.objects.filter(pk=team_id).first()
        if team is None:
            raise RelaisError(ErrorCode.UNKNOWN_TEAM, value=team_id)
        if team.site_id != site.pk:
            raise RelaisError(ErrorCode.TEAM_NOT_ON_SITE, team=team.name, site=site.name)
    employment = fields.get("employment", agent.employment or None)
    if employment is None:
        employment = Employment.PARTNER if site.partner_id else Employment.INTERNAL
    if site.partner_id is not None and employment != Employment.PARTNER:
        raise RelaisError(ErrorCode.EMPLOYMENT_MISMATCH)
    levels = None
    if fields.get("skills") is not None:
        levels = validation.check_skill_levels((s["code"], s["level"]) for s in fields["skills"])
        skills = {s.code: s for s in Skill.objects.filter(code__in=levels)}
        unknown = [code for code in levels if code not in skills]
        if unknown:
            raise RelaisError(ErrorCode.UNKNOWN_SKILL, value=unknown[0])
    with transaction.atomic():
        user = agent.user
        user_changes = _apply(user, fields, USER_FIELDS)
        if user.pk is None:
            user.save()
        elif user_changes:
            user.save(update_fields=list(user_changes))
        agent.user = user
        changes = _apply(
            agent,
            {**fields, "employment": employment, "site_id": site.pk, "team_id": team_id},
            AGENT_FIELDS,
        )
        if creating or changes:
            agent.save()
        if not creating and "active" in changes and not agent.active:
            # an agent taken off the floor: their open desktop ends now, not at the next offer
            sockets_close_for_user(user_id=user.pk, reason=SessionEndReason.DEACTIVATED)
        if levels is not None:
            current = (
                dict(agent.skill_levels.values_list("skill__code", "level")) if not creating else {}
            )
            if current != levels:
                agent.skill_levels.all().delete()
                AgentSkill.objects.bulk_create(
                    AgentSkill(agent=agent, skill=skills[code], level=level)
                    for code, level in levels.items()
                )
                changes["skills"] = [current, levels]
        _save_and_audit(
            actor=actor,
            obj=agent,
            kind="agent",
            creating=creating,
            changes={**changes, **user_changes},
        )
    return agent
