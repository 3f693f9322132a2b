"""Who may write, review and publish articles, and which published articles a person reads.

Writers (draft, edit, submit for review, upload images): administrators, directors and quality
analysts. Reviewers: the writers named on the article. Publishers (publish, archive):
administrators and directors. Readers of a published article, by its audience:
- public: everyone, signed in or not (the help centre);
- all agents: every signed-in person, narrowed by the article's partner, site and language:
  an agent reads it when it is for their site, their partner, a language they speak; a
  supervisor for one of their teams' sites; a partner's staff for their partner;
- internal only: the company's own people: whole-organisation roles, and agents and
  supervisors on the company's own sites (no partner). A partner's staff never.
Writers also read every draft and archived article.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from relais.apps.accounts.models import PARTNER_ROLES, Role
from relais.apps.accounts.permissions import WHOLE_ORGANISATION_ROLES
from relais.apps.errors import RelaisError
from relais.apps.knowledge.errors import ErrorCode
from relais.apps.knowledge.models import ArticleStatus, Audience

WRITER_ROLES = frozenset({Role.ADMINISTRATOR, Role.DIRECTOR, Role.QUALITY_ANALYST})
PUBLISHER_ROLES = frozenset({Role.ADMINISTRATOR, Role.DIRECTOR})


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def may_write(user: Any) -> bool:
    return _active(user) and (user.is_superuser or user.role in WRITER_ROLES)


def may_publish(user: Any) -> bool:
    return _active(user) and (user.is_superuser or user.role in PUBLISHER_ROLES)


def require_writer(user: Any) -> None:
    if not may_write(user):
        raise RelaisError(ErrorCode.PERMISSION_DENIED)


def require_publisher(user: Any) -> None:
    if not may_publish(user):
        raise RelaisError(ErrorCode.PERMISSION_DENIED)


@dataclass(frozen=True, slots=True)
class Reader:
    """What a person may read: `writer` everything; otherwise published articles of the
    audiences and places below."""

    writer: bool = False
    signed_in: bool = False
    everything: bool = False
    internal: bool = False
    site_ids: frozenset[int] = frozenset()
    partner_ids: frozenset[int] = frozenset()
    languages: frozenset[str] = frozenset()
    any_language: bool = False


PUBLIC_READER = Reader()


def reader_for(user: Any) -> Reader:
    if not _active(user):
        return PUBLIC_READER
    if may_write(user):
        return Reader(writer=True, signed_in=True, everything=True, internal=True)
    if user.role in WHOLE_ORGANISATION_ROLES:
        return Reader(signed_in=True, everything=True, internal=True)
    if user.role in PARTNER_ROLES:
        partners = frozenset({user.partner_id}) if user.partner_id else frozenset()
        sites = (
            frozenset(user.partner.sites.values_list("id", flat=True)) if partners else frozenset()
        )
        return Reader(signed_in=True, site_ids=sites, partner_ids=partners, any_language=True)
    if user.role == Role.SUPERVISOR:
        places = list(user.supervised_teams.values_list("site_id", "site__partner_id"))
        partners = frozenset(p for _, p in places if p is not None)
        return Reader(
            signed_in=True,
            internal=bool(places) and not partners,
            site_ids=frozenset(s for s, _ in places),
            partner_ids=partners,
            any_language=True,
        )
    agent = getattr(user, "agent", None)
    if user.role == Role.AGENT and agent is not None:
        languages = agent.skill_levels.filter(skill__kind="language").values_list(
            "skill__code", flat=True
        )
        return Reader(
            signed_in=True,
            internal=agent.site.partner_id is None,
            site_ids=frozenset({agent.site_id}),
            partner_ids=frozenset({agent.site.partner_id}) - {None},
            languages=frozenset(languages),
        )
    return Reader(signed_in=True)


def published_filter() -> Q:
    """Articles readers see: published once and not archived since."""
    return Q(current_version__isnull=False) & ~Q(status=ArticleStatus.ARCHIVED)


def readable_filter(reader: Reader) -> Q:
    """The articles a reader may read (a filter on Article)."""
    if reader.writer:
        return Q()
    public = published_filter() & Q(audience=Audience.PUBLIC)
    if not reader.signed_in:
        return public
    places = Q()
    if not reader.everything:
        places = (Q(site__isnull=True) | Q(site_id__in=reader.site_ids)) & (
            Q(partner__isnull=True) | Q(partner_id__in=reader.partner_ids)
        )
        if not reader.any_language:
            places &= Q(only_language="") | Q(only_language__in=reader.languages)
    audiences = [Audience.AGENTS, Audience.INTERNAL] if reader.internal else [Audience.AGENTS]
    return public | (published_filter() & Q(audience__in=audiences) & places)
