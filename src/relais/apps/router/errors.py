from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase


class ErrorCode(ErrorCodeBase):
    STEERING_NOT_ALLOWED = "steering_not_allowed"

    @property
    def status(self) -> int:
        return 403

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_MESSAGES = {
    ErrorCode.STEERING_NOT_ALLOWED: _(
        "Only administrators and directors change a queue's priority or open and close its "
        "overflow steps: they move traffic between sites and partners."
    ),
}
