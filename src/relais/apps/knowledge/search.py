"""Search over published articles, current in every web process.

Each process keeps one `SearchIndex` of the published articles (relais.core.knowledge.search)
with the `SearchGeneration` it was built at. Every publication and archiving adds one to the
generation in its own transaction; a search first reads the generation (one query) and
rebuilds the index when it is behind, so an article published from one process is found
from any other at once. The index is built from the articles' text alone: SQLite and
PostgreSQL give the same results. Hits are then narrowed to what the reader may read.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass

from django.db.models import F

from relais.apps.knowledge.access import Reader, published_filter, readable_filter
from relais.apps.knowledge.models import Article, Audience, SearchGeneration
from relais.apps.knowledge.rendering import markdown_text
from relais.core.knowledge.search import SearchDocument, SearchIndex

#: How many hits are ranked before narrowing to the reader's articles.
_RANKED = 200


type Generation = tuple[int, str]


@dataclass(frozen=True, slots=True)
class _Built:
    generation: Generation
    index: SearchIndex


_lock = threading.Lock()
_built: _Built | None = None


def search_generation() -> Generation:
    """The number and stamp of the last change to what search may find."""
    found = SearchGeneration.objects.filter(pk=1).values_list("value", "stamp").first()
    return found or (0, "")


def search_generation_bump() -> None:
    """Call inside the transaction that changes what search may find."""
    stamp = uuid.uuid4().hex
    if not SearchGeneration.objects.filter(pk=1).update(value=F("value") + 1, stamp=stamp):
        SearchGeneration.objects.create(pk=1, value=1, stamp=stamp)


def _documents() -> list[SearchDocument]:
    articles = (
        Article.objects.filter(published_filter()).select_related("current_version").order_by("pk")
    )
    return [
        SearchDocument(
            id=str(article.pk),
            title=article.current_version.title,  # type: ignore[union-attr]
            body=markdown_text(article.current_version.body),  # type: ignore[union-attr]
            tags=tuple(str(tag) for tag in article.tags),
        )
        for article in articles
    ]


def search_index() -> SearchIndex:
    """This process's index, rebuilt first if an article was published or archived since."""
    global _built
    generation = search_generation()
    built = _built
    if built is not None and built.generation == generation:
        return built.index
    with _lock:
        if _built is None or _built.generation != generation:
            _built = _Built(generation, SearchIndex(_documents()))
        return _built.index


def article_search(
    *, reader: Reader, query: str, limit: int = 10, language: str = "", public_only: bool = False
) -> list[Article]:
    """The published articles the reader may read that match the query, best first."""
    hits = search_index().search(query, limit=_RANKED)
    if not hits:
        return []
    articles = Article.objects.filter(readable_filter(reader) & published_filter())
    if public_only:
        articles = articles.filter(audience=Audience.PUBLIC)
    if language:
        articles = articles.filter(language=language)
    found = articles.select_related("current_version", "topic").in_bulk(
        [int(hit.id) for hit in hits]
    )
    ranked = [found[int(hit.id)] for hit in hits if int(hit.id) in found]
    return ranked[:limit]
