"""The demo's help centre: every FAQ article published once, public, by topic; a second load
changes nothing; the labelled questions name articles that exist."""

from __future__ import annotations

import json

from relais.apps.accounts.models import Role
from relais.apps.knowledge.access import PUBLIC_READER
from relais.apps.knowledge.models import Article, ArticleVersion, Audience
from relais.apps.knowledge.search import article_search
from relais.demo.faq import FAQ_DIR, faq_articles, load_demo_faq
from tests.apps.factories import UserFactory


def test_the_faq_is_published_once_and_found(db: None) -> None:
    UserFactory(username="direction", role=Role.DIRECTOR)

    first = load_demo_faq()
    second = load_demo_faq()

    assert set(first.values()) == {"created"}
    assert set(second.values()) == {"unchanged"}
    assert len(first) == len(faq_articles()) >= 60
    assert Article.objects.filter(audience=Audience.PUBLIC, topic__isnull=False).count() == len(
        first
    )
    assert ArticleVersion.objects.count() == len(first)
    found = article_search(reader=PUBLIC_READER, query="comment suivre ma comande", language="fr")
    assert found[0].slug == "suivre-commande"


def test_every_labelled_question_names_a_french_article() -> None:
    french = {row["id"] for row in faq_articles() if row["language"] == "fr"}
    queries = [
        json.loads(line)
        for line in (FAQ_DIR / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    ]

    assert len(french) >= 60
    assert len(queries) >= 200
    assert all(set(q["relevant"]) <= french for q in queries)
    assert {a for q in queries for a in q["relevant"]} == french
