"""Validation problems in the reader's language: pydantic (behind Ninja) writes its messages in
English ("Field required"); the API answers with these instead, one per field, from the
error's type and context. A type not listed here reads "this value is not valid" rather than
leaking pydantic's English."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from relais.apps.l10n.formatting import typography

_PROBLEMS: dict[str, Promise] = {
    "missing": _("this field is required"),
    "extra_forbidden": _("this field is not expected"),
    "string_type": _("must be text"),
    "string_too_short": _("must have at least %(min_length)s characters"),
    "string_too_long": _("must have at most %(max_length)s characters"),
    "string_pattern_mismatch": _("does not have the expected form"),
    "int_type": _("must be a whole number"),
    "int_parsing": _("must be a whole number"),
    "int_from_float": _("must be a whole number"),
    "float_type": _("must be a number"),
    "float_parsing": _("must be a number"),
    "decimal_type": _("must be a number"),
    "decimal_parsing": _("must be a number"),
    "bool_type": _("must be true or false"),
    "bool_parsing": _("must be true or false"),
    "greater_than": _("must be greater than %(gt)s"),
    "greater_than_equal": _("must be at least %(ge)s"),
    "less_than": _("must be less than %(lt)s"),
    "less_than_equal": _("must be at most %(le)s"),
    "multiple_of": _("must be a multiple of %(multiple_of)s"),
    "literal_error": _("must be one of: %(expected)s"),
    "enum": _("must be one of: %(expected)s"),
    "date_type": _("must be a date (yyyy-mm-dd)"),
    "date_parsing": _("must be a date (yyyy-mm-dd)"),
    "date_from_datetime_parsing": _("must be a date (yyyy-mm-dd)"),
    "date_from_datetime_inexact": _("must be a date (yyyy-mm-dd)"),
    "datetime_type": _("must be a date and time (ISO 8601)"),
    "datetime_parsing": _("must be a date and time (ISO 8601)"),
    "datetime_from_date_parsing": _("must be a date and time (ISO 8601)"),
    "timezone_aware": _("must carry a time zone"),
    "time_type": _("must be a time (hh:mm)"),
    "time_parsing": _("must be a time (hh:mm)"),
    "uuid_type": _("must be a UUID"),
    "uuid_parsing": _("must be a UUID"),
    "url_parsing": _("must be an address (URL)"),
    "url_type": _("must be an address (URL)"),
    "url_scheme": _("must be an address (URL)"),
    "list_type": _("must be a list"),
    "too_short": _("must have at least %(min_length)s items"),
    "too_long": _("must have at most %(max_length)s items"),
    "dict_type": _("must be an object"),
    "model_type": _("must be an object"),
    "model_attributes_type": _("must be an object"),
    "json_invalid": _("is not valid JSON"),
    "json_type": _("is not valid JSON"),
}
_NOT_VALID = _("this value is not valid")
_QUOTED = re.compile(r"'([^']*)'")


def field_of(error: Mapping[str, Any]) -> str:
    """The field's path in the payload (`shifts.0.start`), without Ninja's leading part (body,
    query, path)."""
    return ".".join(str(part) for part in tuple(error.get("loc", ()))[1:])


def problem_of(error: Mapping[str, Any]) -> str:
    """What is wrong with one field, in the active language."""
    kind = str(error.get("type", ""))
    context = dict(error.get("ctx") or {})
    if kind == "value_error":  # our own validators raise ValueError with a translated message
        return str(context.get("error") or _NOT_VALID)
    template = _PROBLEMS.get(kind)
    if template is None:
        return str(_NOT_VALID)
    if "expected" in context:  # "'inbound' or 'outbound'": pydantic's English "or" dropped
        context["expected"] = ", ".join(_QUOTED.findall(str(context["expected"]))) or "—"
    try:
        return str(template) % context if "%(" in str(template) else str(template)
    except (KeyError, TypeError, ValueError):
        return str(_NOT_VALID)


def problems_of(errors: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    return [{"field": field_of(error), "problem": problem_of(error)} for error in errors]


def summary_of(details: list[dict[str, str]]) -> str:
    """One line for the message: `name: must have at most 200 characters; country: …`, with
    French typography in French."""
    text = "; ".join(
        f"{d['field']}: {d['problem']}" if d["field"] else d["problem"] for d in details
    )
    return typography(text, language=get_language())
