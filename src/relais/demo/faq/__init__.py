"""Maison Lumière's help centre: the demo FAQ (articles.jsonl, 69 French articles, and
articles_en.jsonl) published as public articles by topic, and queries.jsonl, customer
questions each labelled with the article that answers it (bench.faq_search).

Published through the knowledge services by the demo's director, as a person would: each run
brings every article back to its text; an unchanged article is left alone (no new version).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from relais.apps.accounts.models import Role, User
from relais.apps.knowledge import services
from relais.apps.knowledge.models import Article, ArticleStatus, Audience, Topic
from relais.apps.knowledge.services import ArticleFields

FAQ_DIR = Path(__file__).resolve().parent

TOPICS = (
    ("orders", "Commandes", "Orders"),
    ("delivery", "Livraison", "Delivery"),
    ("returns", "Retours et remboursements", "Returns and refunds"),
    ("payment", "Paiement", "Payment"),
    ("loyalty", "Fidélité Lumière+", "Lumière+ loyalty"),
    ("account", "Mon compte", "My account"),
    ("stores", "Magasins", "Stores"),
    ("products", "Produits et entretien", "Products and care"),
)


def faq_articles() -> list[dict[str, Any]]:
    rows = []
    for name in ("articles.jsonl", "articles_en.jsonl"):
        text = (FAQ_DIR / name).read_text(encoding="utf-8")
        rows += [json.loads(line) for line in text.splitlines() if line.strip()]
    return rows


def load_demo_faq() -> dict[str, str]:
    """Create or restore the help centre's articles; returns {id: created|updated|unchanged}."""
    director = User.objects.filter(role=Role.DIRECTOR, is_active=True).order_by("pk").first()
    if director is None:
        return {}
    topics = {}
    for order, (code, name_fr, name_en) in enumerate(TOPICS):
        topics[code], _ = Topic.objects.update_or_create(
            code=code, defaults={"name_fr": name_fr, "name_en": name_en, "order": order}
        )
    outcomes = {}
    for row in faq_articles():
        outcomes[row["id"]] = _ensure(director, row, topics[row["topic"]])
    return outcomes


def _ensure(director: User, row: dict[str, Any], topic: Topic) -> str:
    fields = ArticleFields(
        title=row["title"],
        body=row["body"],
        kind="answer",
        audience=Audience.PUBLIC,
        language=row["language"],
        topic_id=topic.pk,
        reviewer_ids=(director.pk,),
        slug=row["id"],
    )
    article = Article.objects.filter(slug=row["id"]).select_related("current_version").first()
    version = article.current_version if article else None
    if (
        article is not None
        and version is not None
        and article.status == ArticleStatus.PUBLISHED
        and (version.title, version.body) == (row["title"], row["body"])
    ):
        return "unchanged"
    if article is None:
        article = services.article_create(actor=director, fields=fields)
        outcome = "created"
    else:
        article = services.article_update(actor=director, article=article, fields=fields)
        outcome = "updated"
    services.article_submit(actor=director, article=article)
    services.article_approve(actor=director, article=article)
    services.article_publish(actor=director, article=article)
    return outcome
