"""One input and one output schema per endpoint of the organisation API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field, StringConstraints, WithJsonSchema

Name = Annotated[str, StringConstraints(min_length=1, max_length=120, strip_whitespace=True)]
Short = Annotated[str, StringConstraints(max_length=120)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[a-z0-9_-]+$")]
Country = Annotated[str, StringConstraints(min_length=1, max_length=8)]
TimeZone = Annotated[str, StringConstraints(min_length=1, max_length=64)]
SiteKindIn = Annotated[str, Field(pattern=r"^(inshore|offshore|homeshore)$")]
EmploymentIn = Annotated[str, Field(pattern=r"^(internal|partner)$")]
SkillKindIn = Annotated[str, Field(pattern=r"^(topic|language)$")]
#: A wall-clock time of the site's own time zone ("09:00:00"), without an offset: JSON
#: Schema's `format: time` demands one (RFC 3339), so the document gives the pattern instead.
LocalTime = Annotated[
    dt.time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
            "description": "local time of the site, HH:MM:SS",
        }
    ),
]


class PartnerRead(Schema):
    id: int
    name: str
    country: str
    contact_name: str
    contact_email: str
    contact_phone: str
    active: bool


class PartnerCreate(Schema):
    name: Name
    country: Country
    contact_name: Short = ""
    contact_email: Annotated[str, StringConstraints(max_length=254)] = ""
    contact_phone: Annotated[str, StringConstraints(max_length=40)] = ""
    active: bool = True


class PartnerUpdate(Schema):
    name: Name | None = None
    country: Country | None = None
    contact_name: Short | None = None
    contact_email: Annotated[str, StringConstraints(max_length=254)] | None = None
    contact_phone: Annotated[str, StringConstraints(max_length=40)] | None = None
    active: bool | None = None


class OpeningPeriod(Schema):
    weekday: int
    opens_at: LocalTime
    closes_at: LocalTime


class SiteRead(Schema):
    id: int
    name: str
    kind: str
    country: str
    time_zone: str
    partner_id: int | None
    active: bool
    opening_hours: list[OpeningPeriod]

    @staticmethod
    def resolve_opening_hours(obj: object) -> list[object]:
        return list(obj.opening_hours.all())  # type: ignore[attr-defined]


class SiteCreate(Schema):
    name: Name
    kind: SiteKindIn
    country: Country
    time_zone: TimeZone
    partner_id: int | None = None
    active: bool = True
    opening_hours: Annotated[list[OpeningPeriod], Field(max_length=28)] = []


class SiteUpdate(Schema):
    name: Name | None = None
    kind: SiteKindIn | None = None
    country: Country | None = None
    time_zone: TimeZone | None = None
    partner_id: int | None = None
    active: bool | None = None
    opening_hours: Annotated[list[OpeningPeriod], Field(max_length=28)] | None = None


class TeamRead(Schema):
    id: int
    name: str
    site_id: int
    supervisor_ids: list[int]

    @staticmethod
    def resolve_supervisor_ids(obj: object) -> list[int]:
        return sorted(user.pk for user in obj.supervisors.all())  # type: ignore[attr-defined]


class TeamCreate(Schema):
    name: Name
    site_id: int
    supervisor_ids: Annotated[list[int], Field(max_length=50)] = []


class TeamUpdate(Schema):
    name: Name | None = None
    site_id: int | None = None
    supervisor_ids: Annotated[list[int], Field(max_length=50)] | None = None


class SkillRead(Schema):
    id: int
    code: str
    kind: str
    name_en: str
    name_fr: str
    label: str


class SkillCreate(Schema):
    code: Code
    kind: SkillKindIn = "topic"
    name_en: Name
    name_fr: Name


class SkillUpdate(Schema):
    code: Code | None = None
    kind: SkillKindIn | None = None
    name_en: Name | None = None
    name_fr: Name | None = None


class SkillLevel(Schema):
    code: Code
    level: int


class AgentRead(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    site_id: int
    team_id: int | None
    partner_id: int | None
    employment: str
    capacity_voice: int
    capacity_chat: int
    capacity_email: int
    active: bool
    skills: list[SkillLevel]
    languages: list[str]

    @staticmethod
    def resolve_username(obj: object) -> str:
        return obj.user.username  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_first_name(obj: object) -> str:
        return obj.user.first_name  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_last_name(obj: object) -> str:
        return obj.user.last_name  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_skills(obj: object) -> list[dict[str, object]]:
        levels = obj.skill_levels.all()  # type: ignore[attr-defined]
        return [{"code": s.skill.code, "level": s.level} for s in levels]

    @staticmethod
    def resolve_languages(obj: object) -> list[str]:
        levels = obj.skill_levels.all()  # type: ignore[attr-defined]
        return sorted(s.skill.code for s in levels if s.skill.kind == "language")


class AgentCreate(Schema):
    username: (
        Annotated[str, StringConstraints(min_length=1, max_length=150, pattern=r"^[\w.@+-]+$")]
        | None
    ) = None
    user_id: int | None = None
    first_name: Short = ""
    last_name: Short = ""
    email: Annotated[str, StringConstraints(max_length=254)] = ""
    site_id: int
    team_id: int | None = None
    employment: EmploymentIn | None = None
    capacity_voice: int = 1
    capacity_chat: int = 3
    capacity_email: int = 5
    active: bool = True
    skills: Annotated[list[SkillLevel], Field(max_length=100)] = []


class AgentUpdate(Schema):
    first_name: Short | None = None
    last_name: Short | None = None
    email: Annotated[str, StringConstraints(max_length=254)] | None = None
    site_id: int | None = None
    team_id: int | None = None
    employment: EmploymentIn | None = None
    capacity_voice: int | None = None
    capacity_chat: int | None = None
    capacity_email: int | None = None
    active: bool | None = None
    skills: Annotated[list[SkillLevel], Field(max_length=100)] | None = None
