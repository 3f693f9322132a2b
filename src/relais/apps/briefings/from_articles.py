"""A change to a published article linked to queues becomes a briefing: "what changed today",
the word difference between the two versions, for the agents of those queues within the
article's audience (its partner, site or language). A procedure's change is blocking: it must
be acknowledged before the agent is offered those queues' contacts again; an answer's or a
script's just shows until read. An internal-only article briefs nobody (agents may not read
it); a first publication neither (nothing changed)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from relais.apps.briefings.selectors import Audience
from relais.apps.briefings.services import publish_briefing
from relais.apps.knowledge.models import ArticleKind, ArticleVersion
from relais.apps.knowledge.models import Audience as Readers
from relais.core.knowledge.diff import word_diff


def brief_the_change(
    *, version: ArticleVersion, previous_version: ArticleVersion | None, **_signal: Any
) -> None:
    article = version.article
    queues = list(article.queues.all())
    if previous_version is None or not queues or article.audience == Readers.INTERNAL:
        return
    diff = word_diff(
        f"{previous_version.title}\n\n{previous_version.body}", f"{version.title}\n\n{version.body}"
    )
    if all(op == "=" for op, _text in diff):
        return
    publish_briefing(
        author=version.published_by,
        title=(_("Changed: %(title)s") % {"title": version.title})[:200],
        summary=_(
            "Version %(number)s of “%(title)s” changes what you say or do; the changes are below."
        )
        % {"number": version.number, "title": version.title},
        diff=diff,
        queues=queues,
        audience=Audience(
            sites=[article.site] if article.site else (),
            partners=[article.partner] if article.partner else (),
            languages=[article.only_language] if article.only_language else (),
        ),
        blocking=article.kind == ArticleKind.PROCEDURE,
        source=f"article:{article.pk}@v{version.number}",
    )
