"""Knowledge base, pure Python (docs/knowledge.md): word-by-word diff of article versions
and French-aware text analysis for search."""

from relais.core.knowledge.diff import DiffOp, word_diff

__all__ = ["DiffOp", "word_diff"]
