"""Word-by-word difference between two texts (two versions of an article, a briefing).

The result is a list of `(op, text)` pairs: "=" kept, "+" added, "-" removed. Words keep the
whitespace that follows them in their own token, so joining the "=" and "-" parts gives the
old text back and joining the "=" and "+" parts gives the new one. Consecutive pieces with
the same operation are merged.
"""

from __future__ import annotations

import difflib
import re
from typing import Literal

type DiffOp = Literal["=", "+", "-"]

_TOKEN = re.compile(r"\s+|[^\s]+")


def tokens(text: str) -> list[str]:
    """Words and the runs of whitespace between them, in order; "".join() gives text back."""
    return _TOKEN.findall(text)


def _append(result: list[tuple[str, str]], op: str, text: str) -> None:
    if not text:
        return
    if result and result[-1][0] == op:
        result[-1] = (op, result[-1][1] + text)
    else:
        result.append((op, text))


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The word-by-word difference from old to new, as ("=" | "+" | "-", text) pairs."""
    old_tokens, new_tokens = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    result: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(result, "=", "".join(old_tokens[i1:i2]))
            continue
        _append(result, "-", "".join(old_tokens[i1:i2]))
        _append(result, "+", "".join(new_tokens[j1:j2]))
    return result


def old_text(diff: list[tuple[str, str]]) -> str:
    """The old text a diff was made from."""
    return "".join(text for op, text in diff if op != "+")


def new_text(diff: list[tuple[str, str]]) -> str:
    """The new text a diff leads to."""
    return "".join(text for op, text in diff if op != "-")
