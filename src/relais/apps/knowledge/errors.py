from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase


class ErrorCode(ErrorCodeBase):
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    WRONG_STATUS = "wrong_status"
    NOT_A_REVIEWER = "not_a_reviewer"
    NOT_APPROVED = "not_approved"
    INVALID_ARTICLE = "invalid_article"
    INVALID_IMAGE = "invalid_image"
    IMAGE_TOO_LARGE = "image_too_large"
    UNKNOWN_SESSION = "unknown_session"
    SESSION_REQUIRED = "session_required"
    QUESTION_REQUIRED = "question_required"

    @property
    def status(self) -> int:
        if self in (ErrorCode.PERMISSION_DENIED, ErrorCode.NOT_A_REVIEWER):
            return 403
        if self in (ErrorCode.NOT_FOUND, ErrorCode.UNKNOWN_SESSION):
            return 404
        if self in (ErrorCode.WRONG_STATUS, ErrorCode.NOT_APPROVED):
            return 409
        if self is ErrorCode.IMAGE_TOO_LARGE:
            return 413
        return 400

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_MESSAGES = {
    ErrorCode.NOT_FOUND: _("No such article."),
    ErrorCode.PERMISSION_DENIED: _("Your role may not do this to an article."),
    ErrorCode.WRONG_STATUS: _("The article is %(status)s: this step does not apply."),
    ErrorCode.NOT_A_REVIEWER: _("Only a reviewer named on the article may approve it."),
    ErrorCode.NOT_APPROVED: _(
        "Every named reviewer must approve the article before it is published."
    ),
    ErrorCode.INVALID_ARTICLE: _("The article is not valid: %(reason)s"),
    ErrorCode.INVALID_IMAGE: _("Only PNG, JPEG, GIF and WebP images may be uploaded."),
    ErrorCode.IMAGE_TOO_LARGE: _("The image is larger than %(limit)s."),
    ErrorCode.UNKNOWN_SESSION: _("This self-service session is unknown or has ended."),
    ErrorCode.SESSION_REQUIRED: _("The self-service session is missing."),
    ErrorCode.QUESTION_REQUIRED: _("Write your question first."),
}
