from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase


class ErrorCode(ErrorCodeBase):
    NOT_ALLOWED = "contracts_not_allowed"
    NO_CONTRACT_VERSION = "contracts_no_version"
    BAD_TERMS = "contracts_bad_terms"
    STATEMENT_FROZEN = "contracts_statement_frozen"
    WRONG_STATE = "contracts_wrong_state"
    COMMENT_REQUIRED = "contracts_comment_required"
    ADJUSTMENT_LINE = "contracts_adjustment_line"
    ATTACHMENT_TYPE = "contracts_attachment_type"
    ATTACHMENT_SIZE = "contracts_attachment_size"
    BAD_AMOUNT = "contracts_bad_amount"
    MONTH_NOT_OVER = "contracts_month_not_over"

    @property
    def status(self) -> int:
        return {ErrorCode.NOT_ALLOWED: 403}.get(self, 400)

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_MESSAGES = {
    ErrorCode.NOT_ALLOWED: _("You may not do this with this statement."),
    ErrorCode.NO_CONTRACT_VERSION: _("No version of the contract is valid on %(month)s."),
    ErrorCode.BAD_TERMS: _("The contract terms are malformed: %(problem)s"),
    ErrorCode.STATEMENT_FROZEN: _("This statement was issued: it never changes."),
    ErrorCode.WRONG_STATE: _("This is not possible while the statement is %(state)s."),
    ErrorCode.COMMENT_REQUIRED: _("Say why you dispute this line."),
    ErrorCode.ADJUSTMENT_LINE: _("Give the amount to credit, as a number such as -120.50."),
    ErrorCode.ATTACHMENT_TYPE: _("Attach a PDF, PNG, JPEG, CSV or XLSX file, not %(value)s."),
    ErrorCode.ATTACHMENT_SIZE: _("An attachment may not exceed %(limit)s MB."),
    ErrorCode.BAD_AMOUNT: _("Give the amount to credit, as a number such as -120.50."),
    ErrorCode.MONTH_NOT_OVER: _("The month is not over yet."),
}
