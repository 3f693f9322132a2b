from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase


class ErrorCode(ErrorCodeBase):
    UNKNOWN_TIME_ZONE = "unknown_time_zone"
    UNKNOWN_COUNTRY = "unknown_country"
    INVALID_CAPACITY = "invalid_capacity"
    INVALID_SKILL_LEVEL = "invalid_skill_level"
    UNKNOWN_SKILL = "unknown_skill"
    DUPLICATE_SKILL = "duplicate_skill"
    UNKNOWN_SITE = "unknown_site"
    UNKNOWN_TEAM = "unknown_team"
    UNKNOWN_PARTNER = "unknown_partner"
    UNKNOWN_USER = "unknown_user"
    NAME_TAKEN = "name_taken"
    INSHORE_SITE_WITH_PARTNER = "inshore_site_with_partner"
    TEAM_NOT_ON_SITE = "team_not_on_site"
    EMPLOYMENT_MISMATCH = "employment_mismatch"
    INVALID_OPENING_HOURS = "invalid_opening_hours"
    USER_ALREADY_AGENT = "user_already_agent"
    INVALID_LANGUAGE_CODE = "invalid_language_code"
    SUPERVISOR_NOT_ALLOWED = "supervisor_not_allowed"

    @property
    def status(self) -> int:
        return 409 if self in {ErrorCode.NAME_TAKEN, ErrorCode.USER_ALREADY_AGENT} else 400

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_MESSAGES = {
    ErrorCode.UNKNOWN_TIME_ZONE: _(
        "Unknown time zone “%(value)s”: use an IANA name such as Europe/Paris."
    ),
    ErrorCode.UNKNOWN_COUNTRY: _(
        "Unknown country code “%(value)s”: use ISO 3166-1 alpha-2, such as FR or MA."
    ),
    ErrorCode.INVALID_CAPACITY: _("The %(channel)s capacity must be between 0 and %(maximum)s."),
    ErrorCode.INVALID_SKILL_LEVEL: _(
        "Skill levels go from 1 to 5; “%(skill)s” was given %(level)s."
    ),
    ErrorCode.UNKNOWN_SKILL: _("Unknown skill “%(value)s”."),
    ErrorCode.DUPLICATE_SKILL: _("The skill “%(value)s” is listed twice."),
    ErrorCode.UNKNOWN_SITE: _("Unknown site %(value)s."),
    ErrorCode.UNKNOWN_TEAM: _("Unknown team %(value)s."),
    ErrorCode.UNKNOWN_PARTNER: _("Unknown partner %(value)s."),
    ErrorCode.UNKNOWN_USER: _("Unknown user %(value)s."),
    ErrorCode.NAME_TAKEN: _("The name “%(value)s” is already used."),
    ErrorCode.INSHORE_SITE_WITH_PARTNER: _(
        "An inshore site belongs to the company: it cannot have a partner."
    ),
    ErrorCode.TEAM_NOT_ON_SITE: _("The team “%(team)s” is not on the site “%(site)s”."),
    ErrorCode.EMPLOYMENT_MISMATCH: _("An agent on a partner's site is employed by that partner."),
    ErrorCode.INVALID_OPENING_HOURS: _("Invalid opening hours: %(details)s"),
    ErrorCode.USER_ALREADY_AGENT: _("This user already has an agent profile."),
    ErrorCode.INVALID_LANGUAGE_CODE: _(
        "A language skill's code is an ISO 639-1 code such as fr or nl."
    ),
    ErrorCode.SUPERVISOR_NOT_ALLOWED: _("User %(value)s is not a supervisor."),
}
