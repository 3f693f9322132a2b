"""What else happens when an article is published: one place for other apps' reactions (the
lead wires briefings here: a change to an article linked to queues becomes a briefing)."""

from __future__ import annotations

from relais.apps.knowledge.models import ArticleVersion


def on_article_published(version: ArticleVersion, previous_version: ArticleVersion | None) -> None:
    """Called inside the publication's transaction, once the new version is the current one;
    `previous_version` is None at the first publication. Nothing more to do here yet."""
