from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase


class ErrorCode(ErrorCodeBase):
    INVALID_REPORT_QUERY = "invalid_report_query"

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_MESSAGES = {
    ErrorCode.INVALID_REPORT_QUERY: _("The report cannot be exported: %(problems)s"),
}
