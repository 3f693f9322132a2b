from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase


class ErrorCode(ErrorCodeBase):
    NOT_ALLOWED = "sourcing_not_allowed"
    UNKNOWN_PARTNER = "unknown_partner"
    PARTNER_REQUIRED = "partner_required"
    UNREADABLE_FILE = "unreadable_file"
    MISSING_COLUMN = "missing_column"
    EMPTY_IMPORT = "empty_import"
    MALFORMED_IMPORT = "malformed_import"
    INVALID_PERIOD = "invalid_sourcing_period"
    INTERNAL_SITES_ONLY = "internal_sites_only"
    OVERLAPPING_COST = "overlapping_cost"

    @property
    def status(self) -> int:
        if self is ErrorCode.NOT_ALLOWED:
            return 403
        if self is ErrorCode.UNKNOWN_PARTNER:
            return 404
        return 400

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_MESSAGES = {
    ErrorCode.NOT_ALLOWED: _(
        "Only directors, administrators and the partner's own manager may import its figures."
    ),
    ErrorCode.UNKNOWN_PARTNER: _("No such partner."),
    ErrorCode.PARTNER_REQUIRED: _("Choose the partner whose figures these are."),
    ErrorCode.UNREADABLE_FILE: _("This file cannot be read: %(details)s."),
    ErrorCode.MISSING_COLUMN: _("The file has no “%(column)s” column (first line)."),
    ErrorCode.EMPTY_IMPORT: _("There is no line of figures to import."),
    ErrorCode.MALFORMED_IMPORT: _(
        "Nothing was imported: %(skipped)s of %(lines)s lines cannot be read, more than the "
        "%(tolerance)s %% allowed. %(lines_named)s"
    ),
    ErrorCode.INVALID_PERIOD: _(
        "Choose the period as two dates (YYYY-MM-DD), the first not after the second, "
        "at most 366 days."
    ),
    ErrorCode.INTERNAL_SITES_ONLY: _(
        "A loaded cost is for the company's own sites; a partner's cost is its invoice."
    ),
    ErrorCode.OVERLAPPING_COST: _("This site already has a loaded cost over part of this period."),
}
