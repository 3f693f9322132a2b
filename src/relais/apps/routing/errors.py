from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase


class ErrorCode(ErrorCodeBase):
    INVALID_CONFIGURATION = "invalid_routing_configuration"
    INVALID_OVERRIDE = "invalid_step_override"
    INVALID_PRIORITY = "invalid_priority"

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_MESSAGES = {
    ErrorCode.INVALID_CONFIGURATION: _("The routing configuration is invalid: %(details)s"),
    ErrorCode.INVALID_OVERRIDE: _("An overflow step is open, closed or back to its rules."),
    ErrorCode.INVALID_PRIORITY: _("A priority is a whole number from -100 to 100."),
}
