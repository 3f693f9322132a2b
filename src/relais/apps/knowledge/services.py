"""Writes of the knowledge base, each checked against the writer's role and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from relais.apps.audit.services import audit_record
from relais.apps.errors import RelaisError
from relais.apps.knowledge import hooks
from relais.apps.knowledge.access import require_publisher, require_writer
from relais.apps.knowledge.errors import ErrorCode
from relais.apps.knowledge.images import image_check
from relais.apps.knowledge.models import (
    Article,
    ArticleApproval,
    ArticleImage,
    ArticleKind,
    ArticleStatus,
    ArticleVersion,
    Audience,
)
from relais.apps.knowledge.search import search_generation_bump

MAX_TAGS = 20


@dataclass(frozen=True)
class ArticleFields:
    """What a writer sets on an article."""

    title: str
    body: str
    kind: str = ArticleKind.ANSWER
    audience: str = Audience.AGENTS
    language: str = "fr"
    topic_id: int | None = None
    partner_id: int | None = None
    site_id: int | None = None
    only_language: str = ""
    tags: tuple[str, ...] = ()
    review_by: dt.date | None = None
    reviewer_ids: tuple[int, ...] = ()
    queue_ids: tuple[int, ...] = ()
    reason_ids: tuple[int, ...] = ()
    slug: str = ""


def _validate(fields: ArticleFields) -> None:
    if not fields.title.strip():
        raise RelaisError(ErrorCode.INVALID_ARTICLE, reason="title")
    if fields.kind not in ArticleKind.values:
        raise RelaisError(ErrorCode.INVALID_ARTICLE, reason="kind")
    if fields.audience not in Audience.values:
        raise RelaisError(ErrorCode.INVALID_ARTICLE, reason="audience")
    if fields.language not in ("fr", "en"):
        raise RelaisError(ErrorCode.INVALID_ARTICLE, reason="language")
    if len(fields.tags) > MAX_TAGS:
        raise RelaisError(ErrorCode.INVALID_ARTICLE, reason="tags")


def _unique_slug(title: str, wanted: str) -> str:
    base = slugify(wanted or title)[:100] or "article"
    slug, number = base, 1
    while Article.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _apply(article: Article, fields: ArticleFields) -> None:
    article.title = fields.title.strip()[:200]
    article.body = fields.body
    article.kind = fields.kind
    article.audience = fields.audience
    article.language = fields.language
    article.topic_id = fields.topic_id
    article.partner_id = fields.partner_id
    article.site_id = fields.site_id
    article.only_language = fields.only_language.strip()[:8]
    article.tags = sorted({tag.strip()[:40] for tag in fields.tags if tag.strip()})
    article.review_by = fields.review_by
    article.updated_at = timezone.now()


def _relations(article: Article, fields: ArticleFields) -> None:
    article.reviewers.set(fields.reviewer_ids)
    article.queues.set(fields.queue_ids)
    article.contact_reasons.set(fields.reason_ids)


def article_create(*, actor: Any, fields: ArticleFields) -> Article:
    """A new draft."""
    require_writer(actor)
    _validate(fields)
    with transaction.atomic():
        article = Article(author=actor, status=ArticleStatus.DRAFT)
        _apply(article, fields)
        article.slug = _unique_slug(fields.title, fields.slug)
        article.save()
        _relations(article, fields)
        audit_record(
            actor=actor,
            action="knowledge.article.create",
            obj=article,
            changes={"title": article.title, "audience": article.audience},
        )
    return article


def article_update(*, actor: Any, article: Article, fields: ArticleFields) -> Article:
    """The working copy changed; readers keep the published version until the next
    publication. An article in review goes back to draft (its approvals are dropped)."""
    require_writer(actor)
    _validate(fields)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.status == ArticleStatus.ARCHIVED:
            raise RelaisError(ErrorCode.WRONG_STATUS, status=article.get_status_display())
        before = {"title": article.title, "body": article.body, "audience": article.audience}
        _apply(article, fields)
        article.status = ArticleStatus.DRAFT
        article.save()
        _relations(article, fields)
        article.approvals.all().delete()
        after = {"title": article.title, "body": article.body, "audience": article.audience}
        audit_record(
            actor=actor,
            action="knowledge.article.update",
            obj=article,
            changes={k: after[k] for k in after if after[k] != before[k]},
        )
        if before["audience"] != article.audience and article.current_version_id:
            search_generation_bump()
    return article


def _transition(article: Article, allowed: Iterable[str]) -> Article:
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.status not in allowed:
        raise RelaisError(ErrorCode.WRONG_STATUS, status=locked.get_status_display())
    return locked


def article_submit(*, actor: Any, article: Article) -> Article:
    """Draft → in review, to the named reviewers."""
    require_writer(actor)
    with transaction.atomic():
        article = _transition(article, [ArticleStatus.DRAFT])
        if not article.reviewers.exists():
            raise RelaisError(ErrorCode.INVALID_ARTICLE, reason="reviewers")
        article.status = ArticleStatus.IN_REVIEW
        article.updated_at = timezone.now()
        article.save(update_fields=["status", "updated_at"])
        article.approvals.all().delete()
        audit_record(actor=actor, action="knowledge.article.submit", obj=article)
    return article


def article_approve(*, actor: Any, article: Article) -> ArticleApproval:
    """A named reviewer approves the article in review."""
    require_writer(actor)
    with transaction.atomic():
        article = _transition(article, [ArticleStatus.IN_REVIEW])
        if not article.reviewers.filter(pk=actor.pk).exists():
            raise RelaisError(ErrorCode.NOT_A_REVIEWER)
        approval, _ = ArticleApproval.objects.get_or_create(
            article=article, reviewer=actor, defaults={"at": timezone.now()}
        )
        audit_record(actor=actor, action="knowledge.article.approve", obj=article)
    return approval


def article_return(*, actor: Any, article: Article, reason: str = "") -> Article:
    """A named reviewer sends the article back to draft."""
    require_writer(actor)
    with transaction.atomic():
        article = _transition(article, [ArticleStatus.IN_REVIEW])
        if not article.reviewers.filter(pk=actor.pk).exists():
            raise RelaisError(ErrorCode.NOT_A_REVIEWER)
        article.status = ArticleStatus.DRAFT
        article.save(update_fields=["status"])
        article.approvals.all().delete()
        audit_record(actor=actor, action="knowledge.article.return", obj=article, reason=reason)
    return article


def article_publish(*, actor: Any, article: Article) -> ArticleVersion:
    """In review and approved by every named reviewer → a new version readers see."""
    require_publisher(actor)
    with transaction.atomic():
        article = _transition(article, [ArticleStatus.IN_REVIEW])
        approved = set(article.approvals.values_list("reviewer_id", flat=True))
        if not set(article.reviewers.values_list("pk", flat=True)) <= approved:
            raise RelaisError(ErrorCode.NOT_APPROVED)
        previous = article.current_version
        version = ArticleVersion.objects.create(
            article=article,
            number=(previous.number + 1) if previous else 1,
            title=article.title,
            body=article.body,
            published_at=timezone.now(),
            published_by=actor,
        )
        article.current_version = version
        article.status = ArticleStatus.PUBLISHED
        article.save(update_fields=["current_version", "status"])
        search_generation_bump()
        audit_record(
            actor=actor,
            action="knowledge.article.publish",
            obj=article,
            changes={"version": version.number},
        )
        hooks.on_article_published(version, previous)
    return version


def article_archive(*, actor: Any, article: Article) -> Article:
    """Readers no longer see the article; its versions are kept."""
    require_publisher(actor)
    with transaction.atomic():
        article = _transition(
            article, [ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.PUBLISHED]
        )
        article.status = ArticleStatus.ARCHIVED
        article.save(update_fields=["status"])
        search_generation_bump()
        audit_record(actor=actor, action="knowledge.article.archive", obj=article)
    return article


def image_upload(*, actor: Any, article: Article, name: str, data: bytes) -> ArticleImage:
    """An image for the article, checked by its bytes; Markdown shows it as
    ![text](/knowledge/images/<id>)."""
    require_writer(actor)
    content_type = image_check(name, data)
    with transaction.atomic():
        image = ArticleImage.objects.create(
            article=article,
            name=name[:120],
            content_type=content_type,
            size=len(data),
            data=data,
            uploaded_by=actor,
            uploaded_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="knowledge.image.upload",
            obj=image,
            changes={"article": article.pk, "type": content_type, "size": len(data)},
        )
    return image
