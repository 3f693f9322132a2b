"""A policy's own patterns: regular expressions an administrator writes, run by RE2.

RE2 matches in time linear in the text whatever the pattern (no backtracking: a pattern such
as `(a+)+b` cannot stall a desktop), and refuses what it cannot do so (back-references,
look-arounds). A policy holds at most MAX_PATTERNS of at most MAX_PATTERN_CHARS each.
"""

from __future__ import annotations

import functools
from typing import Any

import re2

MAX_PATTERNS = 20
MAX_PATTERN_CHARS = 200

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
_OPTIONS.max_mem = 1 << 20  # a compiled pattern's memory (RE2 refuses larger ones)


class PatternError(ValueError):
    """A pattern refused, with why (`reason`: too_long, too_many, invalid, matches_empty)."""

    def __init__(self, pattern: str, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {pattern!r} {detail}".strip())
        self.pattern = pattern
        self.reason = reason
        self.detail = detail


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> Any:
    return re2.compile(pattern, _OPTIONS)


def pattern_check(pattern: str) -> Any:
    """The compiled pattern, or PatternError: too long, not RE2, or matching the empty text
    (it would match between every two characters)."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise PatternError(pattern, "too_long")
    try:
        compiled = _compiled(pattern)
    except Exception as refused:  # re2.error: the message says why
        detail = refused.args[0] if refused.args else ""
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        raise PatternError(pattern, "invalid", str(detail)) from refused
    if compiled.search("") is not None:
        raise PatternError(pattern, "matches_empty")
    return compiled


def parse_patterns(text: str) -> tuple[str, ...]:
    """A policy's patterns as written: one a line, blank lines ignored."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def compile_patterns(patterns: tuple[str, ...]) -> list[Any]:
    """Every pattern checked and compiled (PatternError for the first refused)."""
    if len(patterns) > MAX_PATTERNS:
        raise PatternError("", "too_many")
    return [pattern_check(p) for p in patterns]
