"""Public holidays of a country, from the ``holidays`` package, labelled in a language."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import holidays

__all__ = ["public_holidays", "resolve_language"]


def resolve_language(country: str, language: str) -> str | None:
    """The ``holidays`` language code closest to ``language`` ("fr", "en", "en_US" …).

    Falls back to English, then to the country's default language (``None``).
    """
    supported: tuple[str, ...] = tuple(holidays.list_localized_countries().get(country, ()))
    wanted = [language, language.split("_")[0]]
    if language.split("_")[0] == "en":
        wanted += ["en_US", "en_GB"]
    wanted += ["en_US", "en_GB"]
    for code in wanted:
        if code in supported:
            return code
    for code in supported:
        if code.split("_")[0] == language.split("_")[0]:
            return code
    return None


def public_holidays(
    country: str,
    years: range,
    *,
    subdivision: str | None = None,
    language: str = "en",
) -> Mapping[date, str]:
    """Public holidays of ``country`` (ISO 3166-1 alpha-2) in ``years``, date -> label.

    Two holidays on one date are joined with "; ". Raises ``ValueError`` for an unknown
    country or subdivision.
    """
    try:
        calendar = holidays.country_holidays(
            country,
            subdiv=subdivision,
            years=list(years),
            language=resolve_language(country, language),
        )
    except NotImplementedError as error:
        raise ValueError(f"no public-holiday calendar for country {country!r}") from error
    return {day: str(label) for day, label in sorted(calendar.items())}
