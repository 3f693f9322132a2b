from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase


class ErrorCode(ErrorCodeBase):
    INVALID_SCORES = "invalid_scores"
    NOT_A_RATER = "not_a_rater"
    ALREADY_SCORED = "already_scored"
    CALIBRATION_NOT_COMPLETE = "calibration_not_complete"
    DISPUTE_EXISTS = "dispute_exists"
    DISPUTE_CLOSED = "dispute_closed"
    REASON_REQUIRED = "reason_required"
    INVALID_PLAN = "invalid_plan"
    INVALID_FORM = "invalid_form"
    NOT_EVALUATED_AGENT = "not_evaluated_agent"
    INVALID_CALIBRATION = "invalid_calibration"
    INVALID_FOLLOW_UP = "invalid_follow_up"

    @property
    def status(self) -> int:
        if self in (ErrorCode.NOT_A_RATER, ErrorCode.NOT_EVALUATED_AGENT):
            return 403
        if self in (
            ErrorCode.ALREADY_SCORED,
            ErrorCode.CALIBRATION_NOT_COMPLETE,
            ErrorCode.DISPUTE_EXISTS,
            ErrorCode.DISPUTE_CLOSED,
        ):
            return 409
        return 400

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_MESSAGES = {
    ErrorCode.INVALID_SCORES: _("The scores cannot be recorded: %(details)s"),
    ErrorCode.NOT_A_RATER: _("You are not a rater of this calibration session."),
    ErrorCode.ALREADY_SCORED: _("You have already scored this contact in this session."),
    ErrorCode.CALIBRATION_NOT_COMPLETE: _(
        "The scores are shown once every rater has scored every contact of the session."
    ),
    ErrorCode.DISPUTE_EXISTS: _("This evaluation is already contested."),
    ErrorCode.DISPUTE_CLOSED: _("This dispute has already been decided."),
    ErrorCode.REASON_REQUIRED: _("Say why, in a few words."),
    ErrorCode.INVALID_PLAN: _("The sampling plan cannot be saved: %(details)s"),
    ErrorCode.INVALID_FORM: _("The form cannot be saved: %(details)s"),
    ErrorCode.NOT_EVALUATED_AGENT: _("Only the evaluated agent may contest an evaluation."),
    ErrorCode.INVALID_CALIBRATION: _(
        "A calibration session needs a title, at least one contact and at least two raters."
    ),
    ErrorCode.INVALID_FOLLOW_UP: _(
        "The follow-up must be a later evaluation of the same agent than the coaching plan."
    ),
}
