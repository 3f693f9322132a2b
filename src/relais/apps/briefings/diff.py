"""A briefing's "what changed": the word diff of two versions, checked and rendered safely.

The diff is a list of `(op, token)` pairs, op `"="` (kept), `"+"` (added) or `"-"`
(removed), the shape the knowledge base compares versions in. Rendered as HTML, every token
is escaped; added words are in `<ins>`, removed ones in `<del>`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import groupby

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

OPS = {"=": "", "+": "ins", "-": "del"}
MAX_TOKENS = 20_000


def diff_clean(diff: Iterable[Sequence[object]]) -> list[tuple[str, str]]:
    """The diff as pairs of strings; ValueError when it is not one."""
    pairs: list[tuple[str, str]] = []
    for item in diff:
        if len(item) != 2 or item[0] not in OPS or not isinstance(item[1], str):
            raise ValueError(f"not a diff entry: {item!r}")
        pairs.append((str(item[0]), item[1]))
    if len(pairs) > MAX_TOKENS:
        raise ValueError("the diff is too long")
    return pairs


def diff_html(diff: Iterable[Sequence[object]]) -> SafeString:
    """The diff as HTML: runs of kept, added and removed words, each token escaped."""
    parts: list[str] = []
    for op, run in groupby(diff_clean(diff), key=lambda pair: pair[0]):
        words = escape(" ".join(token for _, token in run))
        tag = OPS[op]
        parts.append(f"<{tag}>{words}</{tag}>" if tag else words)
    return mark_safe(" ".join(parts))  # noqa: S308 - every token escaped above
