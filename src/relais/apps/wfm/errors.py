from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase


class ErrorCode(ErrorCodeBase):
    HISTORY_MISSING_COLUMN = "history_missing_column"
    HISTORY_MALFORMED = "history_malformed"
    INVALID_TOLERANCE = "invalid_tolerance"
    HISTORY_EMPTY = "history_empty"
    HISTORY_IRREGULAR = "history_irregular"
    HISTORY_UNREADABLE = "history_unreadable"
    HISTORY_TOO_SHORT = "history_too_short"
    NO_LIVE_HISTORY = "no_live_history"
    UNKNOWN_METHOD = "unknown_method"
    INVALID_HORIZON = "invalid_horizon"
    SITE_NEVER_OPEN = "site_never_open"
    INVALID_TARGETS = "invalid_targets"
    STAFFING_UNREACHABLE = "staffing_unreachable"
    NO_AGENTS = "no_agents"
    NO_STAFFING = "no_staffing"
    SCHEDULING_FAILED = "scheduling_failed"
    INVALID_RAMADAN_DAYS = "invalid_ramadan_days"
    PLANNING_NOT_ALLOWED = "planning_not_allowed"
    SITE_WITHOUT_PARTNER = "site_without_partner"
    EMPTY_STAFFING_PLAN = "empty_staffing_plan"
    PUBLISH_NOT_ALLOWED = "publish_not_allowed"
    COMMIT_NOT_ALLOWED = "commit_not_allowed"
    COMMITMENT_NOT_WHOLE = "commitment_not_whole"
    COMMITMENT_UNKNOWN_INTERVAL = "commitment_unknown_interval"
    COMMITMENT_EMPTY = "commitment_empty"
    INVALID_DAY = "invalid_day"

    @property
    def status(self) -> int:
        if self in {
            ErrorCode.PLANNING_NOT_ALLOWED,
            ErrorCode.PUBLISH_NOT_ALLOWED,
            ErrorCode.COMMIT_NOT_ALLOWED,
        }:
            return 403
        if self in {ErrorCode.STAFFING_UNREACHABLE, ErrorCode.SCHEDULING_FAILED}:
            return 422
        return 400

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_MESSAGES = {
    ErrorCode.HISTORY_MISSING_COLUMN: _(
        "The history file lacks the column “%(column)s” (expected: start, volume and optionally "
        "aht_seconds)."
    ),
    ErrorCode.HISTORY_MALFORMED: _(
        "%(skipped)s malformed lines out of %(lines)s in the history file (%(share)s %%), more "
        "than the %(tolerance)s %% tolerated: %(named)s. Correct them, or raise the tolerance."
    ),
    ErrorCode.INVALID_TOLERANCE: _(
        "The share of malformed lines tolerated goes from 0 to %(maximum)s %%, not %(value)s."
    ),
    ErrorCode.HISTORY_EMPTY: _("The history file has no data line."),
    ErrorCode.HISTORY_IRREGULAR: _(
        "The intervals of the history must be 5, 10, 15, 30 or 60 minutes long and start on "
        "their boundary; line %(line)s starts at %(value)s."
    ),
    ErrorCode.HISTORY_UNREADABLE: _("The history file cannot be read: %(details)s"),
    ErrorCode.HISTORY_TOO_SHORT: _("Not enough history to forecast: %(details)s"),
    ErrorCode.NO_LIVE_HISTORY: _(
        "No contact of the queue “%(queue)s” was recorded in the last %(weeks)s weeks: "
        "upload a history file instead."
    ),
    ErrorCode.UNKNOWN_METHOD: _("Unknown forecasting method “%(value)s”; known: %(known)s."),
    ErrorCode.INVALID_HORIZON: _("The forecast must cover 1 to 62 days, after the history."),
    ErrorCode.SITE_NEVER_OPEN: _(
        "The site “%(site)s” is never open over these dates: check its opening hours."
    ),
    ErrorCode.INVALID_TARGETS: _("Invalid staffing targets: %(details)s"),
    ErrorCode.STAFFING_UNREACHABLE: _("No number of agents meets these targets: %(details)s"),
    ErrorCode.NO_AGENTS: _("The site “%(site)s” has no active agent to schedule."),
    ErrorCode.NO_STAFFING: _(
        "The site “%(site)s” has no staffing plan for the week starting %(week)s."
    ),
    ErrorCode.SCHEDULING_FAILED: _("No schedule could be built: %(details)s"),
    ErrorCode.INVALID_RAMADAN_DAYS: _("Invalid Ramadan dates: %(details)s"),
    ErrorCode.PLANNING_NOT_ALLOWED: _("Your role may read this site's plans but not change them."),
    ErrorCode.SITE_WITHOUT_PARTNER: _(
        "The site “%(site)s” belongs to no partner: a staffing request is addressed to a partner."
    ),
    ErrorCode.EMPTY_STAFFING_PLAN: _("The staffing plan has no interval to request."),
    ErrorCode.PUBLISH_NOT_ALLOWED: _(
        "Only the client's planners, directors and administrators publish staffing requests."
    ),
    ErrorCode.COMMIT_NOT_ALLOWED: _("Only the partner's manager commits its headcount."),
    ErrorCode.COMMITMENT_NOT_WHOLE: _(
        "Interval %(interval)s: “%(value)s” is not a whole number of agents (0 or more)."
    ),
    ErrorCode.COMMITMENT_UNKNOWN_INTERVAL: _("The interval %(interval)s is not in this request."),
    ErrorCode.INVALID_DAY: _("“%(value)s” is not a date such as 2026-12-07."),
    ErrorCode.COMMITMENT_EMPTY: _("Nothing to commit: give a headcount for at least one interval."),
}
