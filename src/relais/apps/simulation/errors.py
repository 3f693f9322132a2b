from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase


class ErrorCode(ErrorCodeBase):
    INVALID_SCENARIO = "invalid_scenario"
    INVALID_TOML = "invalid_toml"
    SCENARIO_TOO_LARGE = "scenario_too_large"
    SCENARIO_TOO_BIG = "scenario_too_big"
    SCENARIO_TOO_DEEP = "scenario_too_deep"
    FILES_NOT_ALLOWED = "files_not_allowed"
    NO_LIVE_QUEUE = "no_live_queue"
    INVALID_REPLICATIONS = "invalid_replications"
    SEEDS_DIFFER = "seeds_differ"
    RUN_NOT_DONE = "run_not_done"
    SIMULATION_NOT_ALLOWED = "simulation_not_allowed"
    INVALID_WHAT_IF = "invalid_what_if"
    NO_PARTNER_TO_SHIFT = "no_partner_to_shift"

    @property
    def status(self) -> int:
        if self is ErrorCode.SIMULATION_NOT_ALLOWED:
            return 403
        return 409 if self is ErrorCode.RUN_NOT_DONE else 400

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_MESSAGES = {
    ErrorCode.INVALID_SCENARIO: _("The scenario cannot be simulated: %(details)s"),
    ErrorCode.INVALID_TOML: _(
        "Line %(line)s, column %(column)s: the scenario is not valid TOML (%(details)s)."
    ),
    ErrorCode.INVALID_WHAT_IF: _("These changes cannot be applied: %(details)s."),
    ErrorCode.SCENARIO_TOO_LARGE: _("The scenario is too long (at most %(maximum)s characters)."),
    ErrorCode.SCENARIO_TOO_BIG: _(
        "The scenario is too big to simulate: %(field)s is %(value)s, at most %(maximum)s."
    ),
    ErrorCode.SCENARIO_TOO_DEEP: _(
        "The scenario nests tables or lists too deeply (at most %(maximum)s levels)."
    ),
    ErrorCode.FILES_NOT_ALLOWED: _(
        "A scenario stored in Relais cannot read files (%(field)s): give the values inline."
    ),
    ErrorCode.NO_LIVE_QUEUE: _("There is no active queue to simulate: configure a queue first."),
    ErrorCode.INVALID_REPLICATIONS: _("The number of replications goes from 1 to %(maximum)s."),
    ErrorCode.SEEDS_DIFFER: _(
        "Both scenarios need the same seed to be compared with common random numbers "
        "(%(first)s and %(second)s)."
    ),
    ErrorCode.RUN_NOT_DONE: _("Only finished runs can be compared."),
    ErrorCode.SIMULATION_NOT_ALLOWED: _(
        "Only directors, planners and administrators create and run scenarios."
    ),
    ErrorCode.NO_PARTNER_TO_SHIFT: _(
        "The scenario has no queue “%(queue)s” or no partner to shift its share to."
    ),
}
