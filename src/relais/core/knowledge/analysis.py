"""How French text becomes search terms: accents and case folded, stop words dropped, words
stemmed with the Snowball French stemmer (PyStemmer)."""

from __future__ import annotations

import functools
import re
import unicodedata

import Stemmer
from bm25s.stopwords import STOPWORDS_FRENCH

_WORD = re.compile(r"[a-z0-9]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def fold(text: str) -> str:
    """Lower case, ligatures spelled out, accents dropped: "Œuvre Été" -> "oeuvre ete"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES).lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The folded words of a text, in order (apostrophes and hyphens separate words)."""
    return _WORD.findall(fold(text))


STOP_WORDS = frozenset(fold(word) for word in STOPWORDS_FRENCH) | frozenset(
    {"bonjour", "merci", "svp", "stp", "cordialement", "est", "ce", "cela", "ca", "comment"}
)


@functools.cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("french")


def stem(word: str) -> str:
    """The French stem of one folded word."""
    return str(_stemmer().stemWord(word))


def is_term(word: str) -> bool:
    """Whether a folded word carries meaning for search (not a stop word, not one letter)."""
    return len(word) > 1 and word not in STOP_WORDS


def terms(text: str) -> list[str]:
    """The stemmed search terms of a text, in order."""
    return [stem(word) for word in words(text) if is_term(word)]
