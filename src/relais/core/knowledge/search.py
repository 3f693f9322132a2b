"""French-aware article search: BM25 (bm25s) over stemmed, accent-folded terms, tolerant of
typos and of words run together, with "phrase" and prefix* queries.

The index is built from the documents alone, so two processes holding the same documents
give the same results whichever database they were read from.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import bm25s

from relais.core.knowledge.analysis import fold, is_term, stem, words

#: How close a misspelt word must be to a known one (difflib's ratio) to stand for it.
TYPO_CUTOFF = 0.8
#: Title words count this many times, as if the title were written that often.
TITLE_WEIGHT = 3
_PHRASE = re.compile(r'"([^"]+)"')


@dataclass(frozen=True, slots=True)
class SearchDocument:
    id: str
    title: str
    body: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SearchHit:
    id: str
    score: float


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    terms: tuple[str, ...]
    phrases: tuple[str, ...]


def _document_words(document: SearchDocument) -> list[str]:
    return words(" ".join([*([document.title] * TITLE_WEIGHT), *document.tags, document.body]))


class SearchIndex:
    """An immutable index of documents; `search` ranks them for a query."""

    def __init__(self, documents: Iterable[SearchDocument]) -> None:
        self.documents: tuple[SearchDocument, ...] = tuple(documents)
        corpus: list[list[str]] = []
        self._surface: dict[str, str] = {}  # a folded word of the corpus -> its stem
        self._texts: list[str] = []
        for document in self.documents:
            document_words = _document_words(document)
            self._texts.append(f" {' '.join(words(document.title + ' ' + document.body))} ")
            document_terms = []
            for word in document_words:
                if is_term(word):
                    term = self._surface.setdefault(word, stem(word))
                    document_terms.append(term)
            corpus.append(document_terms or [""])
        self._stems = frozenset(self._surface.values())
        self._surface_words = sorted(self._surface)
        self._bm25 = bm25s.BM25()
        if self.documents:
            self._bm25.index(corpus, show_progress=False)

    def __len__(self) -> int:
        return len(self.documents)

    def _word_terms(self, word: str) -> list[str]:
        """The index's terms a query word stands for: itself, its two halves when two words
        were run together, else the closest words of the corpus when it looks misspelt."""
        term = stem(word)
        if term in self._stems:
            return [term]
        if word in self._surface:
            return [self._surface[word]]
        for cut in range(3, len(word) - 2):
            left, right = word[:cut], word[cut:]
            if is_term(left) and is_term(right) and {stem(left), stem(right)} <= self._stems:
                return [stem(left), stem(right)]
        close = difflib.get_close_matches(word, self._surface_words, n=2, cutoff=TYPO_CUTOFF)
        return [self._surface[match] for match in close]

    def _prefix_terms(self, prefix: str) -> list[str]:
        return sorted({self._surface[w] for w in self._surface_words if w.startswith(prefix)})

    def parse(self, query: str) -> ParsedQuery:
        """The index's terms of a query, and its quoted phrases (folded)."""
        phrases = tuple(" ".join(words(p)) for p in _PHRASE.findall(query) if words(p))
        found: list[str] = []
        for raw in re.split(r"\s+", _PHRASE.sub(lambda m: m.group(1), query)):
            is_prefix = raw.endswith("*")
            for word in words(raw):
                if is_prefix and len(word) >= 2:
                    found.extend(self._prefix_terms(word))
                elif is_term(word):
                    found.extend(self._word_terms(word))
        return ParsedQuery(tuple(dict.fromkeys(found)), phrases)

    def search(self, query: str, *, limit: int = 10) -> list[SearchHit]:
        """The documents that match the query, best first (ties: the order of documents)."""
        parsed = self.parse(query)
        if not self.documents or (not parsed.terms and not parsed.phrases):
            return []
        if parsed.terms:
            scores = [float(s) for s in self._bm25.get_scores(list(parsed.terms))]
        else:
            scores = [1.0] * len(self.documents)
        ranked = sorted(range(len(self.documents)), key=lambda i: (-scores[i], i))
        hits = []
        for index in ranked:
            if scores[index] <= 0:
                break
            if any(f" {phrase} " not in self._texts[index] for phrase in parsed.phrases):
                continue
            hits.append(SearchHit(self.documents[index].id, scores[index]))
            if len(hits) == limit:
                break
        return hits


def search_ids(index: SearchIndex, query: str, *, limit: int = 10) -> Sequence[str]:
    """The ids of the documents found, best first."""
    return [hit.id for hit in index.search(query, limit=limit)]


__all__ = ["SearchDocument", "SearchHit", "SearchIndex", "fold", "search_ids"]
