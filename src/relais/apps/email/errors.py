"""Error codes of the e-mail channel (an SMTP refusal carries the same message)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase


class ErrorCode(ErrorCodeBase):
    UNKNOWN_MAILBOX = "unknown_mailbox"
    ATTACHMENT_TOO_LARGE = "attachment_too_large"
    ATTACHMENT_TYPE = "attachment_type"
    TOO_MANY_ATTACHMENTS = "too_many_attachments"
    EMPTY_REPLY = "empty_reply"
    NO_ADDRESS = "no_address"
    NOT_EMAIL = "not_email"
    NOT_YOUR_CONTACT = "not_your_contact"

    @property
    def status(self) -> int:
        if self is ErrorCode.ATTACHMENT_TOO_LARGE:
            return 413
        if self is ErrorCode.ATTACHMENT_TYPE:
            return 415
        if self is ErrorCode.NOT_YOUR_CONTACT:
            return 403
        if self is ErrorCode.NOT_EMAIL:
            return 409
        return 400

    @property
    def smtp(self) -> str:
        """The SMTP answer refusing a message for this reason (RFC 3463 status codes)."""
        if self is ErrorCode.UNKNOWN_MAILBOX:
            return "550 5.1.1"
        if self is ErrorCode.ATTACHMENT_TOO_LARGE:
            return "552 5.3.4"
        return "554 5.6.0"

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_MESSAGES = {
    ErrorCode.UNKNOWN_MAILBOX: _("No mailbox here for “%(value)s”."),
    ErrorCode.ATTACHMENT_TOO_LARGE: _(
        "The attachment “%(name)s” is larger than the limit of %(limit)s MB."
    ),
    ErrorCode.ATTACHMENT_TYPE: _("Attachments of type “%(value)s” are not accepted."),
    ErrorCode.TOO_MANY_ATTACHMENTS: _("At most %(limit)s attachments per message."),
    ErrorCode.EMPTY_REPLY: _("A reply cannot be empty."),
    ErrorCode.NO_ADDRESS: _("This contact has no e-mail address to answer."),
    ErrorCode.NOT_EMAIL: _("This contact is not an e-mail."),
    ErrorCode.NOT_YOUR_CONTACT: _("This contact is not yours."),
}
