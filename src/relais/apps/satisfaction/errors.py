from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase


class ErrorCode(ErrorCodeBase):
    SURVEY_NOT_FOUND = "survey_not_found"
    SURVEY_EXPIRED = "survey_expired"
    SURVEY_ALREADY_ANSWERED = "survey_already_answered"
    INVALID_ANSWER = "invalid_answer"

    @property
    def status(self) -> int:
        return {
            ErrorCode.SURVEY_NOT_FOUND: 404,
            ErrorCode.SURVEY_EXPIRED: 410,
            ErrorCode.SURVEY_ALREADY_ANSWERED: 409,
        }.get(self, 400)

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_MESSAGES = {
    ErrorCode.SURVEY_NOT_FOUND: _("This survey link is not valid."),
    ErrorCode.SURVEY_EXPIRED: _(
        "This survey closed on %(closed)s: answers are no longer accepted. Thank you all the same."
    ),
    ErrorCode.SURVEY_ALREADY_ANSWERED: _(
        "This survey has already been answered. Your first answer is the one kept."
    ),
    ErrorCode.INVALID_ANSWER: _("The answer cannot be recorded: %(problems)s"),
}
