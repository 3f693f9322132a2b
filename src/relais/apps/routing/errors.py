from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase


class ErrorCode(ErrorCodeBase):
    INVALID_CONFIGURATION = "invalid_routing_configuration"

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_MESSAGES = {
    ErrorCode.INVALID_CONFIGURATION: _("The routing configuration is invalid: %(details)s"),
}
