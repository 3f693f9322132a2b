"""Error codes of privacy: masking policies and unmasking."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase
from relais.core.privacy import PatternError
from relais.core.privacy.patterns import MAX_PATTERN_CHARS, MAX_PATTERNS


class ErrorCode(ErrorCodeBase):
    UNMASK_REFUSED = "unmask_refused"
    REASON_REQUIRED = "reason_required"
    INVALID_PATTERN = "invalid_pattern"
    SITE_OR_PARTNER = "site_or_partner"

    @property
    def status(self) -> int:
        return 403 if self is ErrorCode.UNMASK_REFUSED else 400

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_MESSAGES = {
    ErrorCode.UNMASK_REFUSED: _(
        "Only a supervisor of the contact's team or an organisation-wide role may unmask it."
    ),
    ErrorCode.REASON_REQUIRED: _("Say why you unmask this field."),
    ErrorCode.INVALID_PATTERN: _("%(problem)s"),
    ErrorCode.SITE_OR_PARTNER: _("A policy belongs to one site or to one partner."),
}


def pattern_problem(refused: PatternError) -> str:
    """Why a policy's pattern is refused, in the person's language."""
    if refused.reason == "too_many":
        return gettext("At most %(count)d patterns.") % {"count": MAX_PATTERNS}
    if refused.reason == "too_long":
        return gettext("“%(pattern)s”: at most %(count)d characters.") % {
            "pattern": refused.pattern[:40],
            "count": MAX_PATTERN_CHARS,
        }
    if refused.reason == "matches_empty":
        return gettext("“%(pattern)s” matches an empty text.") % {"pattern": refused.pattern}
    return gettext("“%(pattern)s” is not a valid pattern: %(detail)s") % {
        "pattern": refused.pattern,
        "detail": refused.detail,
    }
