"""How Relais writes numbers, percentages, durations and dates in French and in English.

Each function takes the language (``"fr"`` or ``"en"``; anything else is English) so that it
can be tested without activating a translation; the template filters of
``templatetags/relais_format.py`` pass the active language. French follows the Imprimerie
nationale's rules: a narrow no-break space (U+202F) groups thousands and comes before ``%``,
``:``, ``;``, ``!``, ``?`` and inside « »; the decimal separator is a comma; dates are
dd/mm/yyyy. English writes ``1,234.5``, ``92.4%`` and ISO dates (yyyy-mm-dd), which no reader
misreads as month-first or day-first.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"
APOSTROPHE = "\u2019"
EMPTY = "—"  # what a missing figure shows, in both languages


def is_french(language: str | None) -> bool:
    return bool(language) and str(language).lower().startswith("fr")


def _as_decimal(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def decimal(value: object, digits: int = 1, *, language: str | None) -> str:
    """``1234.56`` → ``1 234,6`` (French, U+202F between thousands) or ``1,234.6``; ``—`` when
    there is no figure."""
    number = _as_decimal(value)
    if number is None:
        return EMPTY
    quantum = Decimal(1).scaleb(-digits) if digits > 0 else Decimal(1)
    rounded = number.quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0,0"
    text = f"{rounded:,.{max(digits, 0)}f}"  # 1,234.6
    if is_french(language):
        return text.replace(",", NARROW_NBSP).replace(".", ",")
    return text


def percent(ratio: object, digits: int = 1, *, language: str | None) -> str:
    """A ratio as a percentage: ``0.924`` → ``92,4 %`` (French, U+202F before %) or ``92.4%``."""
    number = _as_decimal(ratio)
    if number is None:
        return EMPTY
    return percent_points(number * 100, digits, language=language)


def percent_points(points: object, digits: int = 1, *, language: str | None) -> str:
    """A figure already in percent: ``92.4`` → ``92,4 %`` or ``92.4%``."""
    text = decimal(points, digits, language=language)
    if text == EMPTY:
        return EMPTY
    return f"{text}{NARROW_NBSP}%" if is_french(language) else f"{text}%"


def _whole_seconds(value: object) -> int | None:
    if isinstance(value, dt.timedelta):
        return round(value.total_seconds())
    number = _as_decimal(value)
    return None if number is None else int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def clock(seconds: object) -> str:
    """A duration as the wallboard shows it: ``125`` → ``02:05``, ``3725`` → ``1:02:05``; the
    same in both languages."""
    total = _whole_seconds(seconds)
    if total is None:
        return EMPTY
    sign, total = ("-", -total) if total < 0 else ("", total)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes:02d}:{secs:02d}"


def duration(seconds: object, *, language: str | None) -> str:
    """A duration in words' units: ``45`` → ``45 s``, ``300`` → ``5 min``, ``3900`` →
    ``1 h 05 min`` (a no-break space between figure and unit, both languages)."""
    total = _whole_seconds(seconds)
    if total is None:
        return EMPTY
    sign, total = ("-", -total) if total < 0 else ("", total)
    if total < 60:
        return f"{sign}{total}{NBSP}s"
    minutes = round(total / 60)
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{sign}{minutes}{NBSP}min"
    if not minutes:
        return f"{sign}{hours}{NBSP}h"
    return f"{sign}{hours}{NBSP}h{NBSP}{minutes:02d}{NBSP}min"


def day(value: dt.date | dt.datetime | None, *, language: str | None) -> str:
    """``06/12/2026`` in French, ``2026-12-06`` in English. A datetime is given in the time
    zone it carries (the template filter first converts it to the viewer's)."""
    if value is None or value == "":
        return EMPTY
    return value.strftime("%d/%m/%Y" if is_french(language) else "%Y-%m-%d")


def day_time(value: dt.datetime | None, *, language: str | None) -> str:
    """``06/12/2026 14:05`` in French, ``2026-12-06 14:05`` in English."""
    if value is None or value == "":
        return EMPTY
    return f"{day(value, language=language)} {value.strftime('%H:%M')}"


# Before : ; ! ? when they end a word or follow a space; not in 14:05, http://, a?b=1, {"a": 1}.
_BEFORE_PUNCTUATION = re.compile(r"(?<=[^\s\d/:;!?«\u202f\"'])[ \u00a0]*([:;!?])(?=\s|$|[»)<!?])")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"[ \u00a0]+([;!?»]|:(?=\s|$|<))")
_AFTER_OPENING_QUOTE = re.compile(r"«[ \u00a0\u202f]*")
_BEFORE_CLOSING_QUOTE = re.compile(r"(?<=[^\s\u202f])[ \u00a0]*»")
_STRAIGHT_APOSTROPHE = re.compile(r"(?<=[A-Za-zÀ-ÿ])'(?=[A-Za-zÀ-ÿ])")


def typography(text: str, *, language: str | None) -> str:
    """French typography on a sentence: a narrow no-break space before ``: ; ! ?`` and inside
    « », and the typographic apostrophe (’) between letters. English text is returned as it
    is. Times (14:05), addresses (http://) and query strings (?page=2) are left alone."""
    if not is_french(language) or not text:
        return text
    text = _STRAIGHT_APOSTROPHE.sub(APOSTROPHE, text)
    text = _SPACE_BEFORE_PUNCTUATION.sub(rf"{NARROW_NBSP}\1", text)
    text = _BEFORE_PUNCTUATION.sub(rf"{NARROW_NBSP}\1", text)
    text = _AFTER_OPENING_QUOTE.sub(f"«{NARROW_NBSP}", text)
    return _BEFORE_CLOSING_QUOTE.sub(f"{NARROW_NBSP}»", text)
