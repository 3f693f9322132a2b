from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase


class ErrorCode(ErrorCodeBase):
    BRIEFING_NOT_FOUND = "briefing_not_found"
    PUBLISHING_NOT_ALLOWED = "publishing_not_allowed"
    INVALID_BRIEFING = "invalid_briefing"
    INVALID_ANSWER = "invalid_answer"

    @property
    def status(self) -> int:
        return {
            ErrorCode.BRIEFING_NOT_FOUND: 404,
            ErrorCode.PUBLISHING_NOT_ALLOWED: 403,
        }.get(self, 400)

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_MESSAGES = {
    ErrorCode.BRIEFING_NOT_FOUND: _("This briefing does not exist or is not for you."),
    ErrorCode.PUBLISHING_NOT_ALLOWED: _(
        "Only directors, administrators and supervisors publish briefings."
    ),
    ErrorCode.INVALID_BRIEFING: _("The briefing cannot be published: %(problems)s"),
    ErrorCode.INVALID_ANSWER: _("Answer every check question with one of its choices."),
}
