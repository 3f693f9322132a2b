"""What else happens when an article is published. Apps above this one react through the
`article_published` signal (briefings: a change to an article linked to queues becomes a
briefing for the agents of those queues, apps/briefings/from_articles.py)."""

from __future__ import annotations

from django.dispatch import Signal

from relais.apps.knowledge.models import Article, ArticleVersion

#: Sent inside the publication's transaction with `version` and `previous_version`.
article_published = Signal()


def on_article_published(version: ArticleVersion, previous_version: ArticleVersion | None) -> None:
    """Called inside the publication's transaction, once the new version is the current one;
    `previous_version` is None at the first publication."""
    article_published.send(
        sender=ArticleVersion, version=version, previous_version=previous_version
    )


#: Sent when the help centre lists its articles; each receiver answers a list of article ids
#: to show first (a crisis mode's articles, apps/crisis).
featured_articles_wanted = Signal()


def featured_article_ids() -> list[int]:
    ids: list[int] = []
    for _receiver, answer in featured_articles_wanted.send(sender=Article):
        ids += [int(pk) for pk in answer or () if int(pk) not in ids]
    return ids
