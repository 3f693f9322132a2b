"""Error codes of personal-data requests (erasure, export, retention)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase


class ErrorCode(ErrorCodeBase):
    NOT_ALLOWED = "gdpr_not_allowed"
    UNKNOWN_CUSTOMER = "unknown_customer"
    CONTACT_IN_PROGRESS = "contact_in_progress"
    REASON_REQUIRED = "reason_required"
    NOT_CONFIRMED = "not_confirmed"

    @property
    def status(self) -> int:
        if self is ErrorCode.NOT_ALLOWED:
            return 403
        if self is ErrorCode.UNKNOWN_CUSTOMER:
            return 404
        if self is ErrorCode.CONTACT_IN_PROGRESS:
            return 409
        return 400

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_MESSAGES = {
    ErrorCode.NOT_ALLOWED: _("Only an administrator may erase or export a customer's data."),
    ErrorCode.UNKNOWN_CUSTOMER: _("No contact is held for the customer “%(value)s”."),
    ErrorCode.CONTACT_IN_PROGRESS: _(
        "The customer has %(count)s contacts in progress: erase once they have ended."
    ),
    ErrorCode.REASON_REQUIRED: _("Give the reason of the request (the audit log keeps it)."),
    ErrorCode.NOT_CONFIRMED: _("Type the customer's key again to confirm the erasure."),
}
