"""Articles for the knowledge tests: made through the services, as a writer would."""

from __future__ import annotations

from typing import Any

from relais.apps.knowledge import services
from relais.apps.knowledge.models import Article, ArticleVersion
from relais.apps.knowledge.services import ArticleFields


def published(
    writer: Any, publisher: Any, *, title: str, body: str = "", **fields: Any
) -> tuple[Article, ArticleVersion]:
    """An article written by `writer`, reviewed by `publisher` and published by them."""
    article = services.article_create(
        actor=writer,
        fields=ArticleFields(title=title, body=body, reviewer_ids=(publisher.pk,), **fields),
    )
    return article, publish(article, publisher)


def publish(article: Article, publisher: Any) -> ArticleVersion:
    services.article_submit(actor=publisher, article=article)
    services.article_approve(actor=publisher, article=article)
    return services.article_publish(actor=publisher, article=article)
