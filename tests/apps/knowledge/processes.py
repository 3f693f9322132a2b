"""Two web processes over one database, for the search test: `python -m
tests.apps.knowledge.processes search` answers each query read on stdin with the ids found
(one line), `... publish TITLE` publishes an article with that title and prints its id."""

from __future__ import annotations

import sys

import django


def _publish(title: str) -> None:
    from relais.apps.accounts.models import Role, User
    from relais.apps.knowledge.models import Audience
    from relais.apps.knowledge.services import ArticleFields
    from tests.apps.knowledge.fixtures import publish

    director, _ = User.objects.get_or_create(username="director", defaults={"role": Role.DIRECTOR})
    from relais.apps.knowledge import services

    article = services.article_create(
        actor=director,
        fields=ArticleFields(
            title=title, body="Un article publié par l'autre processus.",
            audience=Audience.PUBLIC, reviewer_ids=(director.pk,),
        ),
    )  # fmt: skip
    publish(article, director)
    print(article.pk, flush=True)


def _search() -> None:
    from relais.apps.knowledge.access import PUBLIC_READER
    from relais.apps.knowledge.search import article_search

    for line in sys.stdin:
        found = article_search(reader=PUBLIC_READER, query=line.strip())
        print(" ".join(str(a.pk) for a in found) or "-", flush=True)


if __name__ == "__main__":
    django.setup()
    if sys.argv[1] == "publish":
        _publish(sys.argv[2])
    else:
        _search()
