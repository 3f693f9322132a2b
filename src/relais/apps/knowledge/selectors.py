"""Reads of the knowledge base, always through what the viewer may read (else: not found)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from relais.apps.errors import RelaisError
from relais.apps.knowledge.access import published_filter, readable_filter, reader_for
from relais.apps.knowledge.errors import ErrorCode
from relais.apps.knowledge.models import (
    Article,
    ArticleImage,
    ArticleStatus,
    ArticleVersion,
    Audience,
    Topic,
)
from relais.core.knowledge.diff import word_diff


def article_list(*, viewer: Any) -> QuerySet[Article]:
    """Every article the viewer may read (writers: drafts and archives too)."""
    return (
        Article.objects.filter(readable_filter(reader_for(viewer)))
        .select_related("topic", "current_version", "partner", "site")
        .order_by("title")
    )


def article_get(*, viewer: Any, article_id: int) -> Article:
    article = article_list(viewer=viewer).filter(pk=article_id).first()
    if article is None:
        raise RelaisError(ErrorCode.NOT_FOUND)
    return article


def article_is_stale(article: Article, today: dt.date | None = None) -> bool:
    """Its review-by date has passed."""
    today = today or timezone.localdate()
    return article.review_by is not None and article.review_by < today


def stale_articles(*, viewer: Any) -> QuerySet[Article]:
    return article_list(viewer=viewer).filter(
        review_by__lt=timezone.localdate(), status__in=[ArticleStatus.PUBLISHED]
    )


def version_list(*, viewer: Any, article_id: int) -> QuerySet[ArticleVersion]:
    article = article_get(viewer=viewer, article_id=article_id)
    return article.versions.select_related("published_by").order_by("-number")


@dataclass(frozen=True)
class VersionComparison:
    old: ArticleVersion
    new: ArticleVersion
    title: list[tuple[str, str]]
    body: list[tuple[str, str]]


def version_compare(*, viewer: Any, article_id: int, old: int, new: int) -> VersionComparison:
    """Two versions of an article compared word by word."""
    versions = {v.number: v for v in version_list(viewer=viewer, article_id=article_id)}
    if old not in versions or new not in versions:
        raise RelaisError(ErrorCode.NOT_FOUND)
    a, b = versions[old], versions[new]
    return VersionComparison(a, b, word_diff(a.title, b.title), word_diff(a.body, b.body))


def image_get(*, viewer: Any, image_id: int) -> ArticleImage:
    """An image, for those who may read its article."""
    image = (
        ArticleImage.objects.filter(article__in=article_list(viewer=viewer), pk=image_id)
        .only("data", "content_type", "article_id")
        .first()
    )
    if image is None:
        raise RelaisError(ErrorCode.NOT_FOUND)
    return image


# The public help centre ------------------------------------------------------------------------


def public_articles(*, language: str) -> QuerySet[Article]:
    return (
        Article.objects.filter(published_filter(), audience=Audience.PUBLIC, language=language)
        .select_related("current_version", "topic")
        .order_by("topic__order", "topic__code", "current_version__title")
    )


def public_article_get(*, slug: str) -> Article:
    article = (
        Article.objects.filter(published_filter(), audience=Audience.PUBLIC, slug=slug)
        .select_related("current_version", "topic")
        .first()
    )
    if article is None:
        raise RelaisError(ErrorCode.NOT_FOUND)
    return article


def featured_public_articles(*, language: str, ids: list[int]) -> list[Article]:
    """The public articles among `ids` in one language, in the order of `ids`."""
    found = {
        article.pk: article for article in public_articles(language=language).filter(pk__in=ids)
    }
    return [found[pk] for pk in ids if pk in found]


def help_topics(*, language: str) -> list[tuple[Topic | None, list[Article]]]:
    """The public articles in one language, grouped by topic in the topics' order."""
    groups: dict[int | None, tuple[Topic | None, list[Article]]] = {}
    for article in public_articles(language=language):
        key = article.topic_id
        groups.setdefault(key, (article.topic, []))[1].append(article)
    return list(groups.values())
