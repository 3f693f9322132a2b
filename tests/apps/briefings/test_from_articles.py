"""A change to a published article linked to a queue becomes a briefing for that queue's
agents: blocking for a procedure, with the word difference; nothing for a first publication or
an internal-only article."""

from __future__ import annotations

from relais.apps.briefings.models import Briefing, Delivery
from relais.apps.knowledge import services
from relais.apps.knowledge.models import ArticleKind, Audience
from relais.apps.knowledge.services import ArticleFields
from tests.apps.knowledge.fixtures import publish, published
from tests.apps.routing.fixtures import Routing


def _procedure(routing: Routing, **fields: object):  # type: ignore[no-untyped-def]
    director = routing.world.users["director"]
    values: dict[str, object] = {
        "title": "Retours",
        "body": "Les retours sont acceptés 30 jours.",
        "kind": ArticleKind.PROCEDURE,
        "queue_ids": (routing.queue.pk,),
        "site_id": routing.world.rabat.pk,
    }
    values.update(fields)
    with routing.on_commit(execute=True):
        article, _version = published(director, director, **values)  # type: ignore[arg-type]
    return article, values


def _change(routing: Routing, article, values: dict[str, object], body: str):  # type: ignore[no-untyped-def]
    director = routing.world.users["director"]
    fields = ArticleFields(**(values | {"body": body, "reviewer_ids": (director.pk,)}))  # type: ignore[arg-type]
    with routing.on_commit(execute=True):
        services.article_update(actor=director, article=article, fields=fields)
        return publish(article, director)


def test_a_procedures_change_briefs_its_queues_agents_and_blocks(routing: Routing) -> None:
    article, values = _procedure(routing)
    assert not Briefing.objects.exists()  # a first publication changes nothing

    version = _change(routing, article, values, "Les retours sont acceptés 60 jours.")

    briefing = Briefing.objects.get()
    assert briefing.blocking
    assert briefing.source == f"article:{article.pk}@v{version.number}"
    assert any(op == "-" and "30" in text for op, text in briefing.diff)
    assert any(op == "+" and "60" in text for op, text in briefing.diff)
    agents = set(Delivery.objects.filter(briefing=briefing).values_list("agent_id", flat=True))
    rabat = {a.pk for key, a in routing.world.agents.items() if key.startswith("rabat")}
    assert agents
    assert agents <= rabat  # the article's site only


def test_an_answers_change_is_not_blocking_and_internal_articles_brief_nobody(
    routing: Routing,
) -> None:
    answer, values = _procedure(routing, kind=ArticleKind.ANSWER, title="Délais")
    _change(routing, answer, values, "Livraison en 48 heures.")
    internal, internal_values = _procedure(routing, audience=Audience.INTERNAL, title="Marges")
    _change(routing, internal, internal_values, "Marge revue.")

    (briefing,) = Briefing.objects.all()
    assert not briefing.blocking
    assert briefing.source.startswith(f"article:{answer.pk}@")
