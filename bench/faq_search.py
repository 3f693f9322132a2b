"""French FAQ search: Relais' search against two baselines, same files, same run.

`uv run python -m bench.faq_search [--articles FILE.jsonl] [--queries FILE.jsonl]` (default:
the demo FAQ of Maison Lumière, src/relais/demo/faq/). Formats in ../shared/BENCHMARKS.md.

- relais: `relais.core.knowledge.search.SearchIndex` over each article's title and the text
  of its rendered Markdown, as the web processes index them (BM25 by bm25s over accent-folded,
  stop-word-free, Snowball-stemmed terms; typos, run-together words, phrases and prefixes).
- baseline_fts: the database's plain full-text search, SQLite FTS5 with the `unicode61`
  tokenizer and `remove_diacritics 0` (no stemming, no accent folding), the query's words
  joined by OR, ranked by FTS5's bm25().
- baseline_bm25_plain: bm25s over lower-cased words, French stop words removed, no stemming
  and no accent folding.

recall_at_k: share of queries with a relevant article among the first k; mrr: mean of
1 / rank of the first relevant article (0 beyond the tenth).
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import bm25s
from bm25s.stopwords import STOPWORDS_FRENCH

from bench import emit, require_data, row, stopwatch
from relais.apps.knowledge.rendering import markdown_text
from relais.core.knowledge.search import SearchDocument, SearchIndex

FAQ = Path(__file__).resolve().parent.parent / "src" / "relais" / "demo" / "faq"
DEPTH = 10
type Searcher = Callable[[str], Sequence[str]]


def read_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def relais_searcher(articles: list[dict[str, object]]) -> Searcher:
    index = SearchIndex(
        SearchDocument(id=str(a["id"]), title=str(a["title"]), body=markdown_text(str(a["body"])))
        for a in articles
    )
    return lambda query: [hit.id for hit in index.search(query, limit=DEPTH)]


_PLAIN_WORD = re.compile(r"\w+")


def fts_searcher(articles: list[dict[str, object]]) -> Searcher:
    database = sqlite3.connect(":memory:")
    database.execute(
        "CREATE VIRTUAL TABLE faq USING fts5(id UNINDEXED, title, body,"
        " tokenize = 'unicode61 remove_diacritics 0')"
    )
    database.executemany(
        "INSERT INTO faq (id, title, body) VALUES (?, ?, ?)",
        [(str(a["id"]), str(a["title"]), markdown_text(str(a["body"]))) for a in articles],
    )

    def search(query: str) -> list[str]:
        words = _PLAIN_WORD.findall(query.lower())
        if not words:
            return []
        match = " OR ".join('"' + word.replace('"', "") + '"' for word in words)
        rows = database.execute(
            "SELECT id FROM faq WHERE faq MATCH ? ORDER BY bm25(faq) LIMIT ?", (match, DEPTH)
        )
        return [r[0] for r in rows]

    return search


def bm25_plain_searcher(articles: list[dict[str, object]]) -> Searcher:
    stop = set(STOPWORDS_FRENCH)

    def tokens(text: str) -> list[str]:
        return [w for w in _PLAIN_WORD.findall(text.lower()) if w not in stop and len(w) > 1]

    ids = [str(a["id"]) for a in articles]
    retriever = bm25s.BM25()
    retriever.index(
        [tokens(f"{a['title']} {markdown_text(str(a['body']))}") or [""] for a in articles],
        show_progress=False,
    )
    vocabulary = set(retriever.vocab_dict)

    def search(query: str) -> list[str]:
        known = [t for t in dict.fromkeys(tokens(query)) if t in vocabulary]
        if not known:
            return []
        scores = retriever.get_scores(known)
        ranked = sorted(range(len(ids)), key=lambda i: (-scores[i], i))
        return [ids[i] for i in ranked[:DEPTH] if scores[i] > 0]

    return search


def measure(search: Searcher, queries: list[dict[str, object]]) -> dict[str, float]:
    at1 = at3 = reciprocal = 0.0
    for query in queries:
        relevant = {str(r) for r in query["relevant"]}  # type: ignore[attr-defined]
        found = list(search(str(query["query"])))[:DEPTH]
        rank = next((i + 1 for i, article in enumerate(found) if article in relevant), None)
        at1 += rank == 1
        at3 += rank is not None and rank <= 3
        reciprocal += 1 / rank if rank else 0.0
    count = len(queries) or 1
    return {"recall_at_1": at1 / count, "recall_at_3": at3 / count, "mrr": reciprocal / count}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", default=str(FAQ / "articles.jsonl"))
    parser.add_argument("--queries", default=str(FAQ / "queries.jsonl"))
    args = parser.parse_args()
    articles = read_jsonl(require_data(args.articles))
    queries = read_jsonl(require_data(args.queries))
    print(f"{len(articles)} articles, {len(queries)} queries")
    widths = (20, 12, 12, 12, 10)
    row("search", "recall@1", "recall@3", "mrr", "seconds", widths=widths)
    figures: dict[str, dict[str, float]] = {}
    for name, build in (
        ("relais", relais_searcher),
        ("baseline_fts", fts_searcher),
        ("baseline_bm25_plain", bm25_plain_searcher),
    ):
        with stopwatch() as elapsed:
            figures[name] = measure(build(articles), queries)
        result = figures[name]
        row(name, result["recall_at_1"], result["recall_at_3"], result["mrr"], elapsed[0],
            widths=widths)  # fmt: skip
    emit(
        {
            **figures["relais"],
            **{f"baseline_fts_{k}": v for k, v in figures["baseline_fts"].items()},
            **{f"baseline_bm25_plain_{k}": v for k, v in figures["baseline_bm25_plain"].items()},
            "queries": len(queries),
            "articles": len(articles),
        }
    )


if __name__ == "__main__":
    main()
